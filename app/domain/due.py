"""When scheduled work next falls due, and the latest moment the database remembers.

Why: the offline console moves a simulated clock. To be honest it must stop at each moment
something falls due (a check-in slot, a poll closing, a deadline, an outcome review) and run
it then, as the scheduler would have, rather than jump past it and find it hours late; and when
it starts again on the same database it must carry on from the latest recorded moment, not go
back in time.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import (
    ChannelSchedule,
    CharterEvent,
    ConsensusVote,
    Decision,
    DecisionEvent,
    ExpertisePoll,
    PollVote,
    RotationChange,
    ScheduledPost,
)
from app.domain import channel_schedules, decisions
from app.domain.schedules import next_occurrence
from app.vocabulary import PollStatus, Status


def next_due(
    session: Session, after: datetime, until: datetime, review_days: int | None = None
) -> datetime | None:
    """The earliest moment in (after, until] when a check-in or retro slot comes, a poll
    closes, a decision's deadline passes or (given ``review_days``) its outcome review is due,
    across teams; None when nothing falls due."""
    found: list[datetime] = []
    for kind in (channel_schedules.CHECKIN, channel_schedules.RETRO):
        for schedule in channel_schedules.active(session, kind):
            slot = next_occurrence(channel_schedules.recurrence(schedule), after)
            if slot is not None:
                found.append(slot)
    found += _moment(
        session,
        select(func.min(ExpertisePoll.closes_at)).where(
            ExpertisePoll.status == PollStatus.OPEN, ExpertisePoll.closes_at > after
        ),
    )
    found += _moment(
        session,
        select(func.min(Decision.deadline)).where(
            Decision.status.in_(decisions.RESOLVABLE), Decision.deadline > after
        ),
    )
    if review_days is not None:
        wait = timedelta(days=review_days)
        decided = _moment(
            session,
            select(func.min(Decision.decided_at)).where(
                Decision.status == Status.DECIDED,
                Decision.decider_id.is_not(None),
                Decision.outcome.is_(None),
                Decision.decided_at > after - wait,
            ),
        )
        found += [moment + wait for moment in decided]
    due = [moment for moment in found if after < moment <= until]
    return min(due) if due else None


def latest_recorded(session: Session) -> datetime | None:
    """The latest moment anything happened, by the database's own records."""
    columns = (
        DecisionEvent.at,
        Decision.created_at,
        Decision.decided_at,
        ExpertisePoll.created_at,
        ExpertisePoll.closed_at,
        PollVote.updated_at,
        ScheduledPost.sent_at,
        ScheduledPost.claimed_at,
        ChannelSchedule.updated_at,
        CharterEvent.at,
        RotationChange.at,
        ConsensusVote.at,
    )
    moments = [m for column in columns for m in _moment(session, select(func.max(column)))]
    return max(moments) if moments else None


def _moment(session: Session, query) -> list[datetime]:
    """The one moment `query` selects, as an aware UTC datetime, in a list (empty: none)."""
    moment = session.scalar(query)
    if moment is None:
        return []
    return [moment if moment.tzinfo else moment.replace(tzinfo=UTC)]
