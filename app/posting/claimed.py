"""Posting a message that must appear exactly once although two callers may try at once: the
request that stored it, and the sweep that repairs what a crash left unposted (app.jobs.cards).

Both claim the same ledger row (app.domain.ledger) with a short LEASE, so whoever loses the
claim posts nothing. A claim left by a killed process is taken over once LEASE has passed,
which is what lets a restart repair it within a minute. For that to stay exactly-once, no post
may still be under way when its lease runs out: every attempt first renews the claim by
compare-and-set (and stops if it was taken over), and each attempt is one HTTP call with the
client's timeout, no retries hidden inside slack_sdk; this loop does the retrying instead.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from http.client import HTTPException

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse
from sqlalchemy.orm import Session, sessionmaker

from app.domain import ledger
from app.domain.clock import Clock

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=30)  # > one attempt (the client's 15 s timeout) plus a renewal
ATTEMPTS = 3
FRESH_MARGIN = timedelta(seconds=5)  # clock skew between processes, scheduling delays
LONGEST_WAIT = 10.0  # seconds of Retry-After worth waiting for (well inside the lease)
CLOCK_SKEW = timedelta(minutes=5)  # our clock against Slack's, when reading back
HISTORY_PAGE = 200
TRANSIENT_ERRORS = {"ratelimited", "internal_error", "fatal_error", "service_unavailable"}


class Unanswered(Exception):
    """Slack never answered (timeouts, dropped connections): the post may or may not exist.
    The claim is kept, so the sweep tries again once LEASE has passed."""


@dataclass
class Claim:
    post_id: int
    claimed_at: datetime
    attempts: int = 1  # above 1: an earlier attempt was cut off, its post may exist

    @property
    def taken_over(self) -> bool:
        return self.attempts > 1


def claim(
    session: Session, clock: Clock, *, team_id: str, kind: str, subject: str, occurrence: str
) -> Claim | None:
    """Claim the right to post (kind, subject, occurrence); None when it is sent, skipped or
    being posted by someone whose lease still runs."""
    now = clock.now()
    post_id = ledger.claim(
        session,
        team_id=team_id,
        kind=kind,
        subject=subject,
        occurrence=occurrence,
        now=now,
        lease=LEASE,
    )
    if post_id is None:
        return None
    return Claim(post_id, now, ledger.attempts(session, post_id))


def claim_fresh(
    session: Session, clock: Clock, *, team_id: str, kind: str, subject: str, occurrence: str
) -> Claim:
    """claim() for a subject created in the caller's open transaction (ledger.claim_fresh)."""
    now = clock.now()
    post_id = ledger.claim_fresh(
        session, team_id=team_id, kind=kind, subject=subject, occurrence=occurrence, now=now
    )
    return Claim(post_id, now)


def find_earlier_post(
    client: WebClient,
    *,
    channel: str,
    thread_ts: str | None,
    since: datetime,
    what: str,
    button: tuple[str, str] | None = None,
    block_id: str | None = None,
) -> str | None:
    """The ts of the message an attempt cut off by a crash did post, or None if it posted none.

    A post whose process was killed between Slack accepting it and the ledger recording it is
    invisible to the database: only Slack knows. Reading the channel (or thread) back since the
    thing was stored tells; ours is the bot's message carrying the `button` (action_id, value)
    that only that card or poll has, or the `block_id` only that scheduled post has. When Slack
    will not say (the history scopes were not granted, rate limits) this logs it, naming
    `what`, and returns None: the caller posts again, since a card twice beats none.
    """
    oldest = f"{(since - CLOCK_SKEW).timestamp():.6f}"
    try:
        if thread_ts:
            answer = client.conversations_replies(
                channel=channel, ts=thread_ts, oldest=oldest, inclusive=True, limit=HISTORY_PAGE
            )
        else:
            answer = client.conversations_history(
                channel=channel, oldest=oldest, inclusive=True, limit=HISTORY_PAGE
            )
    except SlackApiError as exc:
        log.warning(
            "%s: cannot read back whether a cut-off attempt posted it (%s); posting it again",
            what,
            exc.response.get("error"),
        )
        return None
    for message in answer.get("messages") or []:
        if message.get("bot_id") and _carries(message, button, block_id):
            return str(message["ts"])
    return None


def _carries(message: dict, button: tuple[str, str] | None, block_id: str | None) -> bool:
    blocks = message.get("blocks") or []
    if block_id is not None and any(block.get("block_id") == block_id for block in blocks):
        return True
    if button is None:
        return False
    action_id, value = button
    return any(
        element.get("action_id") == action_id and element.get("value") == value
        for block in blocks
        for element in block.get("elements") or []
    )


def post_claimed(
    client: WebClient,
    sessions: sessionmaker[Session],
    clock: Clock,
    held: Claim,
    attempts: int = ATTEMPTS,
    lease: timedelta | None = None,
    **message,
) -> SlackResponse | None:
    """chat.postMessage under `held`: Slack's answer, or None when the claim was taken over.

    Raises SlackApiError when Slack refused for good (a refusal, or still failing after
    ATTEMPTS), and Unanswered when it never answered."""
    single = WebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout,
        ssl=client.ssl,
        proxy=client.proxy,
        headers=client.headers,
        logger=client.logger,
        retry_handlers=[],
    )
    for attempt in range(1, attempts + 1):
        now = clock.now()
        # With the claim's `lease` known, an attempt that ends (at the latest, when the client
        # times out) before the claim could be taken over needs no renewal: a fresh claim
        # saves a transaction per post.
        ends_in_time = lease is not None and (
            now + timedelta(seconds=single.timeout) < held.claimed_at + lease
        )
        if not ends_in_time:
            with sessions.begin() as session:
                if not ledger.renew(session, held.post_id, claimed_at=held.claimed_at, now=now):
                    log.warning("post %s was taken over; not posting it here", held.post_id)
                    return None
            held.claimed_at = now
        try:
            return single.chat_postMessage(**message)
        except SlackApiError as exc:
            wait = _retry_after(exc)
            if attempt == attempts or wait is None or wait > LONGEST_WAIT:
                raise
            time.sleep(wait)  # Slack's own Retry-After, as slack_sdk's handler would wait
        except (OSError, HTTPException) as exc:
            if attempt == attempts:
                raise Unanswered(str(exc)) from exc
    raise AssertionError("unreachable")


def _retry_after(exc: SlackApiError) -> float | None:
    """Seconds to wait before trying again, or None when Slack refused for good."""
    status = exc.response.status_code
    error = exc.response.get("error") if isinstance(exc.response.data, dict) else None
    if status == 429 or error == "ratelimited":
        for name, value in (exc.response.headers or {}).items():
            if name.lower() == "retry-after":
                value = value[0] if isinstance(value, list) else value
                try:
                    return float(value)
                except (TypeError, ValueError):
                    break
        return 1.0
    if status >= 500 or error in TRANSIENT_ERRORS:
        return 0.0
    return None
