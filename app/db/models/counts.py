"""Running totals of decisions per team, day, channel and decider, kept by the database.

The dashboard's tally (app/domain/metrics.read_tally) sums these instead of reading every decision
of its period: a month of a busy team is a few thousand rows here against ~190,000 index entries
in `decisions`. Triggers (app/db/counts.py, migration 0018) record every insert, update and
delete of a decision, however it is written (the ORM, a bulk UPDATE, COPY), in the same
transaction, as rows of `decision_count_changes`; a sweep folds those into the totals. Readers
sum both. Nothing in Python writes them.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.models.base import Base

NOBODY = ""  # decider_id of decisions nobody holds yet (a key column cannot be NULL)


def _count() -> Mapped[int]:
    return mapped_column(Integer, default=0, server_default="0")


class DecisionDayCount(Base):
    """What one day added to the tally, for one channel and decider. Counts on the day a
    decision was opened: opened, expertise, tiebroken; on the day it was decided: timed,
    decided, reviewed, worked (the same definitions as metrics.read_tally's)."""

    __tablename__ = "decision_day_counts"
    __table_args__ = (Index("ix_decision_day_counts_channel", "team_id", "channel_id", "day"),)

    team_id: Mapped[str] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)  # UTC
    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    decider_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    opened: Mapped[int] = _count()  # not cancelled
    expertise: Mapped[int] = _count()  # ...framework expertise, no tiebreaker rule
    tiebroken: Mapped[int] = _count()  # ...decider chosen by a tiebreaker rule
    timed: Mapped[int] = _count()  # a decision time, any status (velocity's population)
    decided: Mapped[int] = _count()  # status decided
    reviewed: Mapped[int] = _count()  # ...with an outcome
    worked: Mapped[int] = _count()  # ...that worked


class DecisionLoad(Base):
    """Open decisions (open or escalated) each person holds now, per channel: the load."""

    __tablename__ = "decision_loads"

    team_id: Mapped[str] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
    )
    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    decider_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    held: Mapped[int] = _count()


class DecisionCountChange(Base):
    """What one write to a decision changed in the totals, not folded into them yet: day
    counts for `day`, or (day NULL) the load. Appended by the triggers only, so writers never
    wait on one another's totals; `app.db.counts.fold` moves them into the two tables above."""

    __tablename__ = "decision_count_changes"
    __table_args__ = (Index("ix_decision_count_changes_team", "team_id", "day"),)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    day: Mapped[date | None] = mapped_column(Date)
    channel_id: Mapped[str] = mapped_column(String(32))
    decider_id: Mapped[str] = mapped_column(String(32))
    opened: Mapped[int] = _count()
    expertise: Mapped[int] = _count()
    tiebroken: Mapped[int] = _count()
    timed: Mapped[int] = _count()
    decided: Mapped[int] = _count()
    reviewed: Mapped[int] = _count()
    worked: Mapped[int] = _count()
    held: Mapped[int] = _count()
