"""A person's App Home tab, drawn and published: when they open it, and again after a change
to one of their own lists commits (a decision handed to them or away from them, decided,
cancelled, reopened or superseded, its outcome recorded), so a Home left open never shows what
is no longer so.

Slack lets an app publish a Home tab whenever it likes, for anyone, whether or not they ever
opened it (views.publish "creates or updates" it); the method is Tier 4 (100+ a minute per
workspace), and a change republishes only the few people whose own lists it changed, so one
action is a call or two, never one per member of the team. Read after the commit, the team's
part of Home is fresh: the commit made the per-team cache forget the team
(app.domain.team_cache). A republish is best-effort: the change it follows is already stored,
so a refusal is logged, never turned into an error, and is not retried beyond the client's own
bounded retry handlers (app.slack_client).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from app.blocks.home import build_home_tab
from app.domain import home
from app.domain.clock import Clock
from app.domain.storage import Sessions, SideReads
from app.domain.team_cache import TeamCache

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HomeReads:
    """What drawing a Home needs: the session factory, time, and the shared team part."""

    sessions: Sessions
    clock: Clock
    review_days: int = 14
    cache: TeamCache | None = None
    side: SideReads | None = None


def publish_home(client: WebClient, reads: HomeReads, team_id: str, user_id: str) -> None:
    """Draw `user_id`'s Home as it is now and publish it (read first, session closed, then
    Slack). Slack's refusal is raised: the person opening Home is told of it.

    Without views.publish's `hash` ("a string that represents view state to protect against
    possible race conditions"; a stale one fails with `hash_conflict`,
    api.slack.com/methods/views.publish): it guards a read-modify-write of a view, and this bot
    never modifies a view it read; each publish is a whole snapshot of the database. Passing
    the hash would make two near-simultaneous publishes (a double click, a redelivery, an open
    beside a republish) first-wins with an error to swallow; last-wins can rarely leave the
    older snapshot on top, which the next open or change redraws."""
    with reads.sessions() as session:
        view = build_home_tab(
            home.home_for(
                session,
                team_id,
                user_id,
                reads.clock.now(),
                reads.review_days,
                cache=reads.cache,
                side=reads.side,
            )
        )
    client.views_publish(user_id=user_id, view=view)


def republish_homes(
    client: WebClient, reads: HomeReads, team_id: str, people: Iterable[str | None]
) -> None:
    """After a stored change, publish again the Home of each person whose own lists it changed
    (each once, nobody for None). Called outside any write transaction; a refusal or a lost
    connection is logged (without the person: it must never place anyone in a flow logged
    anonymously) and the next person is still published."""
    for person in dict.fromkeys(p for p in people if p):
        try:
            publish_home(client, reads, team_id, person)
        except SlackApiError as exc:
            log.warning("a Home in %s not republished: %s", team_id, exc.response.get("error"))
        except (SlackClientError, OSError) as exc:  # no answer at all, after the client's retries
            log.warning("a Home in %s not republished: %s", team_id, type(exc).__name__)
