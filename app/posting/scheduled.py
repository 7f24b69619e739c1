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

from app.domain import ledger, post_queue
from app.domain.clock import Clock
from app.domain.post_queue import Taken
from app.posting import claimed

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


# One try and three retries, the budget slack_sdk's own retry handlers give a request.
SCHEDULED_ATTEMPTS = 4


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


def deliver_taken(
    client: WebClient,
    sessions: sessionmaker[Session],
    clock: Clock,
    taken: Taken,
    message: Message,
    pace: Callable[[], None] | None = None,
) -> bool:
    """Post a row taken from the queue (app.domain.post_queue). True if this call posted it.

    The message carries a block_id only this row has, so a worker that takes over a row whose
    holder was killed reads the channel back first and records the post it finds instead of
    posting again. Each attempt renews the claim first (app.posting.claimed.post_claimed), so a
    live holder and a taker-over never both post."""
    marker = f"deference-post-{taken.post_id}"
    if message.blocks:
        message.blocks[0].block_id = marker
    if taken.attempts > 1:
        earlier = claimed.find_earlier_post(
            client,
            channel=message.channel,
            thread_ts=message.thread_ts,
            since=taken.queued_at,
            block_id=marker,
            what=f"{taken.kind} {taken.occurrence} in {message.channel}",
        )
        if earlier is not None:
            with sessions.begin() as session:
                ledger.finish(
                    session, taken.post_id, now=clock.now(), ts=earlier, channel_id=message.channel
                )
            return False
    if pace is not None:
        pace()
    held = claimed.Claim(taken.post_id, taken.claimed_at, taken.attempts)
    try:
        posted = claimed.post_claimed(
            client,
            sessions,
            clock,
            held,
            attempts=SCHEDULED_ATTEMPTS,
            lease=post_queue.LEASE,
            channel=message.channel,
            thread_ts=message.thread_ts,
            text=message.text,
            blocks=message.blocks,
            unfurl_links=False,
        )
    except SlackApiError as exc:
        error = str(exc.response.get("error", "unknown_error"))
        if error in GONE:
            _release(sessions, taken.post_id, clock.now(), ledger.SKIPPED)
            raise ChannelGone(error) from exc
        with sessions.begin() as session:
            again = post_queue.release(session, taken.post_id, clock.now(), taken.attempts)
        log.warning(
            "%s for %s not posted (%s); the next sweep retries after %s",
            taken.kind,
            taken,
            error,
            again,
        )
        return False
    except claimed.Unanswered as exc:
        # The post may exist: keep the claim, so whoever takes it over reads the channel back.
        log.warning("%s for %s unanswered (%s); taken over after the lease", taken.kind, taken, exc)
        return False
    if posted is None:
        return False  # taken over while this worker waited: the taker posts it
    with sessions.begin() as session:
        ledger.finish(
            session,
            taken.post_id,
            now=clock.now(),
            ts=str(posted["ts"]),
            channel_id=str(posted.get("channel") or message.channel),
        )
    return True
