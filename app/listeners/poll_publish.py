"""Starting a poll from a listener: resolve its closing time, store it and schedule its
closing before ack(), post it after."""

from __future__ import annotations

from datetime import datetime

from slack_sdk import WebClient

from app.domain import poll_service, when
from app.jobs.front_door import schedule_poll_close
from app.listeners.deps import Deps
from app.posting.polls import publish_poll


def closing_time(
    client: WebClient, deps: Deps, team_id: str, spec: when.Spec, user_id: str
) -> datetime:
    """Resolve a closing time; wall-clock times are read in the opener's Slack time zone."""
    tz = None
    if isinstance(spec, when.At):
        person = deps.people.lookup(client, team_id, user_id)
        tz = person.tz if person is not None else None
    return when.resolve(spec, deps.clock.now(), tz)


def store_poll(
    deps: Deps,
    *,
    team_id: str,
    decision_id: int,
    user_id: str,
    options: poll_service.PollOptions,
    origin_key: str,
) -> int | None:
    """Store the poll and schedule its closing: before ack(), so an acknowledged poll is never
    lost. Returns its id, or None for a redelivered request."""
    with deps.sessions.begin() as session:
        poll, created = poll_service.start_poll(
            session,
            team_id=team_id,
            decision_id=decision_id,
            opened_by=user_id,
            options=options,
            origin_key=origin_key,
            now=deps.clock.now(),
        )
        poll_id = poll.id
    if not created:
        return None
    schedule_poll_closing(deps, team_id, poll_id, options.closes_at)
    return poll_id


def schedule_poll_closing(deps: Deps, team_id: str, poll_id: int, closes_at: datetime) -> None:
    """Once the poll is committed; without a scheduler the sweep closes it."""
    schedule_poll_close(deps.scheduler, team_id, poll_id, closes_at)


def post_poll(client: WebClient, deps: Deps, team_id: str, poll_id: int) -> None:
    """Post a stored poll in its decision's thread (exactly once: app.posting.polls). Raises
    CardNotPosted if Slack refuses it (the unseen poll is dropped)."""
    publish_poll(client, deps.sessions, deps.clock, team_id, poll_id)
