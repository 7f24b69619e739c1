"""The scheduled-post ledger: post each (kind, subject, occurrence) exactly once.

A row is inserted before posting (the unique key turns a second process, a late duplicate job
or the sweep racing the job into a no-op), claimed by a compare-and-set from pending to
posting, and marked sent with the message's ts. A failed post goes back to pending and the
next sweep retries it; a claim left by a crashed process is taken over after LEASE.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, String, cast, exists, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db.models import ScheduledPost
from app.domain.teams import get_or_create_team

PENDING, POSTING, SENT, SKIPPED = "pending", "posting", "sent", "skipped"
LEASE = timedelta(minutes=10)
ONCE = "once"


def find(session: Session, team_id: str, kind: str, subject: str, occurrence: str):
    return session.scalars(
        select(ScheduledPost).where(
            ScheduledPost.team_id == team_id,
            ScheduledPost.kind == kind,
            ScheduledPost.subject == subject,
            ScheduledPost.occurrence == occurrence,
        )
    ).one_or_none()


def claim(
    session: Session,
    *,
    team_id: str,
    kind: str,
    subject: str,
    occurrence: str,
    now: datetime,
    channel_id: str | None = None,
    lease: timedelta = LEASE,
) -> int | None:
    """The ledger row's id if this caller may post it now; None when it was sent, skipped, or
    is being posted by someone else. A claim older than `lease` is taken to be a crashed
    poster's and is taken over (posts that must be repaired quickly use a short lease)."""
    row = find(session, team_id, kind, subject, occurrence)
    if row is None:
        get_or_create_team(session, team_id, now)
        try:
            with session.begin_nested():
                row = ScheduledPost(
                    team_id=team_id,
                    kind=kind,
                    subject=subject,
                    occurrence=occurrence,
                    status=PENDING,
                    channel_id=channel_id,
                    attempts=0,
                    created_at=now,
                )
                session.add(row)
                session.flush()
        except IntegrityError:
            row = find(session, team_id, kind, subject, occurrence)
            if row is None:
                raise
    taken = session.execute(
        update(ScheduledPost)
        .where(
            ScheduledPost.id == row.id,
            or_(
                ScheduledPost.status == PENDING,
                (ScheduledPost.status == POSTING) & (ScheduledPost.claimed_at < now - lease),
            ),
        )
        .values(status=POSTING, claimed_at=now, attempts=ScheduledPost.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    return row.id if taken.rowcount == 1 else None


def claim_fresh(
    session: Session,
    *,
    team_id: str,
    kind: str,
    subject: str,
    occurrence: str,
    now: datetime,
    channel_id: str | None = None,
) -> int:
    """Claim a post whose subject this very transaction created: nobody else can know of it
    before the commit, so no row can exist and the claim is one INSERT (claim() looks first,
    inserts under a savepoint, then claims by compare-and-set: five round trips)."""
    row = ScheduledPost(
        team_id=team_id,
        kind=kind,
        subject=subject,
        occurrence=occurrence,
        status=POSTING,
        channel_id=channel_id,
        attempts=1,
        created_at=now,
        claimed_at=now,
    )
    session.add(row)
    session.flush()
    return row.id


def attempts(session: Session, post_id: int) -> int:
    """How many times the row was claimed, this claim included."""
    return session.scalar(select(ScheduledPost.attempts).where(ScheduledPost.id == post_id)) or 0


def renew(session: Session, post_id: int, *, claimed_at: datetime, now: datetime) -> bool:
    """Extend a claim this caller still holds (compare-and-set on its claim time), right before
    a post that must start well inside the lease. False when someone took the claim over."""
    taken = session.execute(
        update(ScheduledPost)
        .where(
            ScheduledPost.id == post_id,
            ScheduledPost.status == POSTING,
            ScheduledPost.claimed_at == claimed_at,
        )
        .values(claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    return taken.rowcount == 1


def finish(
    session: Session,
    post_id: int,
    *,
    now: datetime,
    ts: str | None = None,
    channel_id: str | None = None,
    status: str = SENT,
) -> None:
    """Mark a claimed row sent (with where it went) or skipped; `status=PENDING` releases it
    for the next sweep to retry."""
    values: dict = {"status": status}
    if status == SENT:
        values |= {"sent_at": now, "message_ts": ts}
        if channel_id:
            values["channel_id"] = channel_id
    session.execute(
        update(ScheduledPost)
        .where(ScheduledPost.id == post_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def find_post(session: Session, team_id: str, post_id: int) -> ScheduledPost | None:
    return session.scalars(
        select(ScheduledPost).where(ScheduledPost.team_id == team_id, ScheduledPost.id == post_id)
    ).one_or_none()


def last_sent(
    session: Session, team_id: str, kind: str, subject: str, before: str
) -> ScheduledPost | None:
    """The newest sent row before the occurrence `before` (ISO strings sort by time)."""
    return session.scalars(
        select(ScheduledPost)
        .where(
            ScheduledPost.team_id == team_id,
            ScheduledPost.kind == kind,
            ScheduledPost.subject == subject,
            ScheduledPost.status == SENT,
            ScheduledPost.occurrence < before,
        )
        .order_by(ScheduledPost.occurrence.desc())
        .limit(1)
    ).one_or_none()


def done(kind: str, team_id: ColumnElement, subject: ColumnElement) -> ColumnElement[bool]:
    """EXISTS a sent or skipped row of `kind` for (team, subject): for sweeps' WHERE clauses."""
    return exists().where(
        ScheduledPost.team_id == team_id,
        ScheduledPost.kind == kind,
        ScheduledPost.subject == cast(subject, String),
        ScheduledPost.status.in_((SENT, SKIPPED)),
    )
