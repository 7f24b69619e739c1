"""Redrawing an expertise poll: the response count while open, the result once closed.

Why in posting: votes (a listener) and closing (a job) both redraw the same poll message.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session, sessionmaker

from app.blocks.polls import build_poll_message, build_poll_result, poll_text
from app.domain import decisions, poll_service
from app.posting.send import update_message
from app.vocabulary import PollStatus

log = logging.getLogger(__name__)


def redraw_poll(
    client: WebClient, sessions: sessionmaker[Session], team_id: str, poll_id: int
) -> bool:
    """Show the poll as it now stands: the response count while open, the result once closed."""
    with sessions() as session:
        poll = poll_service.get_poll(session, team_id, poll_id)
        decision = decisions.get_decision(session, team_id, poll.decision_id)
        count = poll_service.response_count(session, team_id, poll_id)
    if poll.message_ts is None:
        return False
    if poll.status is PollStatus.OPEN:
        blocks = build_poll_message(poll, count, decision.title)
    else:
        outcome = poll_service.outcome_of(poll)
        assert outcome is not None
        adopted = outcome.decider is not None and decision.decider_id == outcome.decider
        blocks = build_poll_result(
            outcome,
            poll.anonymous,
            poll_id=poll.id,
            title=decision.title,
            adopted=adopted,
            decider_name=None if adopted else _name(client, outcome.decider),
        )
    return update_message(
        client,
        poll.channel_id,
        poll.message_ts,
        poll_text(decision.title, closed=poll.status is PollStatus.CLOSED),
        blocks,
        what=f"poll {poll_id}",
    )


def _name(client: WebClient, user_id: str | None) -> str | None:
    if user_id is None:
        return None
    try:
        user = client.users_info(user=user_id)["user"]
    except SlackApiError:
        return None
    profile = user.get("profile") or {}
    return profile.get("display_name") or user.get("name")
