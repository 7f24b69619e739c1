"""The queue of scheduled posts, kept in the ledger itself (app.domain.ledger).

The elected scheduler only enqueues what fell due (one pending ledger row per post); every
process takes rows with FOR UPDATE SKIP LOCKED, so any number of workers share the work without
a second broker and without two of them waiting on the same row. Exactly-once still rests on
the ledger: a row is taken by compare-and-set to `posting`, the poster renews that claim right
before each attempt (app.posting.claimed), and a claim whose holder died is taken over once its
LEASE has passed, reading the channel back before posting again. A failed attempt goes back to
pending with a backoff in `available_at`, so a refusal is not retried in a hot loop.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, select, text, update
from sqlalchemy.orm import Session

from app.db.dialect import insert_missing
from app.db.models import ScheduledPost
from app.domain.ledger import PENDING, POSTING

# A killed worker's posts are taken over this long after its last renewal. It must outlast one
# attempt (the client's 15 s timeout) plus a renewal, or a slow post could be taken over live.
LEASE = timedelta(seconds=20)
BACKOFF = (timedelta(seconds=15), timedelta(minutes=1), timedelta(minutes=5))
STILL_TO_POST = text("scheduled_posts.status IN ('pending', 'posting')")  # the index's predicate
CHUNK = 1000


@dataclass(frozen=True)
class Queued:
    """One post to make: (team, kind, subject, occurrence) is the ledger's unique key."""

    team_id: str
    kind: str
    subject: str
    occurrence: str
    channel_id: str | None = None


@dataclass(frozen=True)
class Taken:
    """A row this worker now holds; `attempts` above 1 means an earlier holder was cut off."""

    post_id: int
    team_id: str
    kind: str
    subject: str
    occurrence: str
    attempts: int
    claimed_at: datetime
    queued_at: datetime


def enqueue(session: Session, posts: Iterable[Queued], now: datetime) -> int:
    """Add the posts that are not in the ledger yet; those already there (queued, sent, being
    posted by someone) are left alone. Returns how many were added."""
    rows = [
        {
            "team_id": post.team_id,
            "kind": post.kind,
            "subject": post.subject,
            "occurrence": post.occurrence,
            "channel_id": post.channel_id,
            "status": PENDING,
            "attempts": 0,
            "created_at": now,
            "available_at": now,
        }
        for post in posts
    ]
    key = ("team_id", "kind", "subject", "occurrence")
    return sum(
        insert_missing(session, ScheduledPost.__table__, rows[i : i + CHUNK], key)
        for i in range(0, len(rows), CHUNK)
    )


def take(
    session: Session, kinds: Sequence[str], now: datetime, lease: timedelta = LEASE
) -> Taken | None:
    """Take the next post to make, or None: first a post whose holder's lease ran out (a
    killed worker's: it has waited longest, and must not queue behind thousands of fresh
    posts due at the same minute), then the post that has been due longest. Call inside a
    short transaction of its own."""
    orphaned = and_(ScheduledPost.status == POSTING, ScheduledPost.claimed_at < now - lease)
    due = and_(ScheduledPost.status == PENDING, ScheduledPost.available_at <= now)
    return _take_first(session, kinds, now, orphaned) or _take_first(session, kinds, now, due)


def _take_first(session: Session, kinds: Sequence[str], now: datetime, ready) -> Taken | None:
    """One UPDATE of the row a locking subquery picks, skipping rows other takers hold
    (PostgreSQL; SQLite has one writer, and the repeated condition keeps a lost race from
    taking a row twice)."""
    next_one = (
        select(ScheduledPost.id)
        .where(STILL_TO_POST, ScheduledPost.kind.in_(kinds), ready)
        .order_by(ScheduledPost.available_at)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    row = session.execute(
        update(ScheduledPost)
        .where(ScheduledPost.id == next_one, ready)
        .values(status=POSTING, claimed_at=now, attempts=ScheduledPost.attempts + 1)
        .returning(
            ScheduledPost.id,
            ScheduledPost.team_id,
            ScheduledPost.kind,
            ScheduledPost.subject,
            ScheduledPost.occurrence,
            ScheduledPost.attempts,
            ScheduledPost.created_at,
        )
        .execution_options(synchronize_session=False)
    ).first()
    if row is None:
        return None
    return Taken(
        row.id,
        row.team_id,
        row.kind,
        row.subject,
        row.occurrence,
        row.attempts,
        now,
        row.created_at,
    )


def release(session: Session, post_id: int, now: datetime, attempts: int) -> datetime:
    """Give a failed post back to the queue, to be taken again after a backoff that grows
    with its attempts. Returns when it will be tried again."""
    again = now + BACKOFF[min(attempts, len(BACKOFF)) - 1]
    session.execute(
        update(ScheduledPost)
        .where(ScheduledPost.id == post_id)
        .values(status=PENDING, available_at=again)
        .execution_options(synchronize_session=False)
    )
    return again


def waiting(session: Session, kinds: Sequence[str]) -> int:
    """How many posts are queued or being posted (for logs and the benchmark)."""
    return session.scalar(
        select(func.count())
        .select_from(ScheduledPost)
        .where(STILL_TO_POST, ScheduledPost.kind.in_(kinds))
    )
