"""Starting a poll from a listener: resolve its closing time, store it, post it, schedule it."""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from app.blocks.polls import build_poll_message, poll_text
from app.domain import decisions, poll_service, when
from app.jobs.front_door import schedule_poll_close
from app.listeners.deps import Deps
from app.posting.cards import CardNotPosted
from app.posting.send import explain_slack_error, slack_error_code

log = logging.getLogger(__name__)


def closing_time(client: WebClient, spec: when.Spec, user_id: str, now: datetime) -> datetime:
    """Resolve a closing time; wall-clock times are read in the opener's Slack time zone."""
    tz = None
    if isinstance(spec, when.At):
        tz = client.users_info(user=user_id)["user"].get("tz")
    return when.resolve(spec, now, tz)


def launch_poll(
    client: WebClient,
    deps: Deps,
    *,
    team_id: str,
    decision_id: int,
    user_id: str,
    options: poll_service.PollOptions,
    origin_key: str,
) -> int | None:
    """Store the poll, post it in the decision's thread, schedule its closing. Returns its id,
    or None for a redelivered request. If Slack refuses the post, the unseen poll is dropped."""
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
        title = decisions.get_decision(session, team_id, decision_id).title
    if not created:
        return None
    try:
        posted = client.chat_postMessage(
            channel=poll.channel_id,
            thread_ts=poll.thread_ts,
            text=poll_text(title),
            blocks=build_poll_message(poll, 0, title),
        )
    except SlackApiError as exc:
        with deps.sessions.begin() as session:
            poll_service.discard_unposted(session, team_id, poll.id)
        problem, tail = explain_slack_error(exc, poll.channel_id), " The poll was not started."
        code = slack_error_code(exc)
        raise CardNotPosted(problem + tail, code, poll.channel_id, tail) from exc
    with deps.sessions.begin() as session:
        poll_service.attach_message(session, team_id, poll.id, str(posted["ts"]))
    schedule_poll_close(deps.scheduler, team_id, poll.id, poll.closes_at)
    return poll.id
