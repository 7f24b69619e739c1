"""cProfile of what a poll vote and an App Home open do after their ack (bench/README.md).

    python -m bench.profile_paths [--votes 300] [--homes 100]

bench.ack samples `/decide` and the card button over the real server with py-spy; these two
surfaces need a poll and a filled Home first, so this drives their listener bodies directly in
one thread (the parts Bolt runs after ack()): the ballot's transaction and the poll redrawn
with chat.update, and the Home query, its blocks and views.publish, against a stand-in over
HTTP on a SQLite file. Prints the top functions by cumulative time. Not a test.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
from datetime import timedelta

from slack_sdk import WebClient

from app.db.engine import make_engine, make_session_factory
from app.db.migrate import upgrade
from app.domain import decisions, poll_service
from app.domain.clock import SystemClock
from app.domain.poll_service import PollOptions
from app.listeners.deps import Deps
from app.posting.cards import publish_card
from app.posting.home import publish_home
from app.posting.people import People
from app.posting.polls import publish_poll, redraw_poll
from app.standin import SlackStandIn

TEAM, CHANNEL, TOKEN = "T0001", "C0GENERAL", "xoxb-profile"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--votes", type=int, default=300)
    parser.add_argument("--homes", type=int, default=100)
    args = parser.parse_args()
    engine = make_engine(f"sqlite:///{tempfile.mkdtemp()}/profile.db")
    upgrade(engine)
    sessions, clock, people = make_session_factory(engine), SystemClock(), People()
    deps = Deps(sessions=sessions, clock=clock)
    with SlackStandIn(bot_token=TOKEN) as standin:
        standin.add_channel(CHANNEL, "general")
        voters = [f"U{n:04d}" for n in range(50)]
        for user in voters:
            standin.add_user(user, user.lower())
        client = WebClient(base_url=standin.api_url, token=TOKEN)
        with sessions.begin() as session:
            for n in range(40):  # something to show on Home
                decisions.open_decision(
                    session,
                    team_id=TEAM,
                    declaration=decisions.Declaration(
                        title=f"Decision {n}", channel_id=CHANNEL, decider_id=voters[n % 5]
                    ),
                    actor_id=voters[0],
                    origin_key=f"seed:{n}",
                    now=clock.now(),
                )
            decision_id, poll_id = poll_service.open_with_poll(
                session,
                team_id=TEAM,
                declaration=decisions.Declaration(title="Who knows most", channel_id=CHANNEL),
                opened_by=voters[0],
                options=PollOptions(closes_at=clock.now() + timedelta(days=1)),
                origin_key="seed:poll",
                now=clock.now(),
            )
        publish_card(client, sessions, clock, TEAM, decision_id)
        publish_poll(client, sessions, clock, TEAM, poll_id)

        def vote(n: int) -> None:
            with sessions.begin() as session:
                poll_service.cast_vote(
                    session,
                    team_id=TEAM,
                    poll_id=poll_id,
                    user_id=voters[n % len(voters)],
                    now=clock.now(),
                    rating=1 + n % 5,
                )
            redraw_poll(client, sessions, TEAM, poll_id, people)

        for name, count, run in (
            ("poll vote", args.votes, vote),
            (
                "App Home opened",
                args.homes,
                lambda n: publish_home(client, deps.home_reads, TEAM, voters[n % 5]),
            ),
        ):
            profile = cProfile.Profile()
            profile.enable()
            for n in range(count):
                run(n)
            profile.disable()
            print(f"\n## {name}: {count} calls")
            pstats.Stats(profile).sort_stats("cumulative").print_stats(18)
    engine.dispose()


if __name__ == "__main__":
    main()
