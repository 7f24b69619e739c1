"""A thousand channels with a check-in at the same minute, against Slack's posting limits.

    python -m bench.fanout [--channels 1000] [--database sqlite|postgres] [--database-url URL]
                           [--per-channel 1] [--workspace-rate 100]
    python -m bench.fanout --workspaces 1000 [--threads 8] [--kill] [--database-url URL]

With --workspaces, see bench.fanout_queue: the posts go through the queue to 1 and then 2
worker processes; what follows describes the single-process run.

The stand-in answers chat.postMessage over about one message per second per channel, or over
the workspace-wide rate, with 429 + Retry-After. The bot's own sweep (app.jobs.schedules, the
same code the scheduler runs every minute) posts every due check-in; this reports the time it
took against the floor the limits allow, and how many posts were lost or doubled. A second
sweep then runs, as the next minute's would, and must post nothing. The stand-in runs in this
process on its own threads (the bot's posting threads wait on HTTP, so they leave it the GIL).
Benchmarks are not tests: nothing here asserts a duration.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from app.config import Settings
from app.db.engine import make_engine
from app.domain import channel_schedules
from app.domain.channel_schedules import CHECKIN
from app.domain.clock import ManualClock
from app.domain.schedules import Recurrence
from app.jobs.schedules import SWEEP_THREADS, post_due_checkins
from app.standin import SlackStandIn
from app.wiring import build_runtime

TEAM = "T0001"
SLOT = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)  # a Monday


def prepare(url: str) -> None:
    if url.startswith("postgresql"):
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", type=int, default=1000)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/bench2")
    parser.add_argument("--per-channel", type=float, default=1.0, help="posts/s in one channel")
    parser.add_argument("--workspace-rate", type=float, default=100.0, help="posts/s in all")
    parser.add_argument(
        "--workspaces",
        type=int,
        help="N workspaces x 10 channels posted by 1 and 2 worker processes (PostgreSQL)",
    )
    parser.add_argument("--threads", type=int, default=8, help="post threads per worker")
    parser.add_argument("--kill", action="store_true", help="also SIGKILL one of two workers")
    args = parser.parse_args()
    if args.workspaces:
        from bench import fanout_queue

        url = Settings(database_url=args.database_url).database_url
        fanout_queue.main(url, args.workspaces, args.threads, args.kill)
        return
    scratch = tempfile.mkdtemp(prefix="deference-fanout-")
    raw = args.database_url if args.database == "postgres" else f"sqlite:///{scratch}/f.db"
    url = Settings(database_url=raw).database_url
    prepare(url)
    with SlackStandIn(bot_token="xoxb-bench") as standin:  # noqa: S106
        channels = [f"C{n:05d}" for n in range(args.channels)]
        for channel in channels:
            standin.add_channel(channel, channel.lower())
        clock = ManualClock(SLOT - timedelta(hours=1))
        settings = Settings(
            slack_bot_token="xoxb-bench",  # noqa: S106
            slack_signing_secret="bench",  # noqa: S106
            database_url=url,
            slack_api_url=standin.api_url,
            slack_posts_per_second=args.workspace_rate,  # the operator sets the workspace's rate
        )
        runtime = build_runtime(settings, "http", clock=clock)
        rec = Recurrence(SLOT.hour, SLOT.minute, (0, 1, 2, 3, 4), "UTC")
        with runtime.deps.sessions.begin() as session:
            for channel in channels:
                channel_schedules.put(
                    session,
                    team_id=TEAM,
                    channel_id=channel,
                    kind=CHECKIN,
                    rec=rec,
                    actor_id="U0ALICE",
                    now=clock.now(),
                )
        limits = standin.limit_posts(per_channel=args.per_channel, workspace=args.workspace_rate)
        clock.set(SLOT + timedelta(seconds=20))
        started = time.perf_counter()
        posted = post_due_checkins()
        elapsed = time.perf_counter() - started
        again = post_due_checkins()  # the next minute's sweep
        runtime.close()
        sent = Counter(c.params.get("channel") for c in standin.calls("chat.postMessage") if c.ok)
    floor = limits.floor(args.channels, args.channels)
    lost = sum(1 for channel in channels if sent[channel] == 0)
    doubled = sum(n - 1 for n in sent.values() if n > 1)
    print(
        f"{args.channels:,} check-ins due at one minute on {args.database}; limits "
        f"{args.per_channel:g}/s per channel, {args.workspace_rate:g}/s per workspace; "
        f"{SWEEP_THREADS} posting threads\n"
    )
    print("| measure | value |\n| --- | ---: |")
    print(f"| posted by the sweep | {posted:,} |")
    print(f"| posted by the next sweep | {again:,} |")
    print(f"| total time | {elapsed:.1f} s |")
    print(f"| floor the limits allow | {floor:.1f} s |")
    print(f"| time / floor | {elapsed / floor:.2f}x |")
    print(f"| 429s answered | {limits.refused:,} |")
    print(f"| posts lost | {lost:,} |")
    print(f"| posts duplicated | {doubled:,} |")


if __name__ == "__main__":
    main()
