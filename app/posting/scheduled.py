"""Posting one scheduled message exactly once, through the ledger (app.domain.ledger).

Insert-and-claim the ledger row, render, post, mark sent. Slack's 429s, 5xx and dropped
connections are retried inside the WebClient by slack_sdk's retry handlers; if they are
exhausted, the row goes back to pending and the next sweep posts it (never dropped, and never
doubled, because only the claimant posts). A channel that is gone raises ChannelGone so the
caller can disable what keeps posting there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block
from sqlalchemy.orm import Session, sessionmaker

from app.domain import ledger

log = logging.getLogger(__name__)

GONE = frozenset(
    {
        "is_archived",
        "channel_not_found",
        "not_in_channel",
        "user_not_found",
        "user_disabled",
        "account_inactive",
        "cannot_dm_bot",
    }
)


@dataclass(frozen=True)
class Message:
    channel: str
    text: str
    blocks: list[Block]
    thread_ts: str | None = None


@dataclass(frozen=True)
class Slot:
    team_id: str
    kind: str
    subject: str
    occurrence: str = ledger.ONCE


class ChannelGone(Exception):
    """Slack says the conversation can no longer receive posts (archived, left, deleted)."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


def deliver(
    client: WebClient,
    sessions: sessionmaker[Session],
    slot: Slot,
    now: datetime,
    render: Callable[[Session, int], Message],
    pace: Callable[[], None] | None = None,
) -> bool:
    """Post `slot` unless the ledger says it was posted or is being posted. True if posted.
    `pace` blocks until the workspace's rate allows one more post (app.posting.pace)."""
    with sessions.begin() as session:
        post_id = ledger.claim(
            session,
            team_id=slot.team_id,
            kind=slot.kind,
            subject=slot.subject,
            occurrence=slot.occurrence,
            now=now,
        )
    if post_id is None:
        return False
    try:
        with sessions() as session:
            message = render(session, post_id)
        if pace is not None:
            pace()
        posted = client.chat_postMessage(
            channel=message.channel,
            thread_ts=message.thread_ts,
            text=message.text,
            blocks=message.blocks,
            unfurl_links=False,
        )
    except SlackApiError as exc:
        error = str(exc.response.get("error", "unknown_error"))
        gone = error in GONE
        _release(sessions, post_id, now, ledger.SKIPPED if gone else ledger.PENDING)
        if gone:
            raise ChannelGone(error) from exc
        log.warning("%s for %s not posted (%s); the next sweep retries", slot.kind, slot, error)
        return False
    except Exception:
        _release(sessions, post_id, now, ledger.PENDING)
        log.exception("%s for %s not posted; the next sweep retries", slot.kind, slot)
        return False
    with sessions.begin() as session:
        ledger.finish(
            session,
            post_id,
            now=now,
            ts=str(posted["ts"]),
            channel_id=str(posted.get("channel") or message.channel),
        )
    return True


def _release(sessions: sessionmaker[Session], post_id: int, now: datetime, status: str) -> None:
    with sessions.begin() as session:
        ledger.finish(session, post_id, now=now, status=status)
