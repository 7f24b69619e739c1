"""Expertise polls and their ballots."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db.models.base import (
    Base,
    RandomId,
    TeamOwned,
    _enum,
    same_team,
)
from app.db.types import UTCDateTime
from app.vocabulary import PollStatus

# The closed polls: the dashboard's poll figures read them from their own index (migration 0019).
CLOSED = "status = 'closed'"


class ExpertisePoll(TeamOwned, Base):
    """An expertise poll in a decision's thread. `salt` keys anonymous ballots and is destroyed
    on closing, after which nobody, not even the database, can tell whose ballot was whose."""

    __tablename__ = "expertise_polls"
    __table_args__ = (
        same_team("decision_id", "decisions", "fk_expertise_polls_decision"),
        UniqueConstraint("team_id", "id"),
        UniqueConstraint("team_id", "origin_key"),
        Index("ix_expertise_polls_due", "status", "closes_at"),
        Index("ix_expertise_polls_decision", "team_id", "decision_id"),
        Index("ix_expertise_polls_team_created", "team_id", "created_at"),  # participation
        # The dashboard's closed polls of a period and their ballots, a team's or a channel's,
        # from an index alone on PostgreSQL (app/domain/metrics._polls, migration 0019).
        Index(
            "ix_expertise_polls_team_closed",
            "team_id",
            "closed_at",
            postgresql_include=["channel_id", "responses"],
            postgresql_where=text(CLOSED),
            sqlite_where=text(CLOSED),
        ),
        Index(
            "ix_expertise_polls_channel_closed",
            "team_id",
            "channel_id",
            "closed_at",
            postgresql_include=["responses"],
            postgresql_where=text(CLOSED),
            sqlite_where=text(CLOSED),
        ),
    )

    decision_id: Mapped[int] = mapped_column(Integer)
    origin_key: Mapped[str] = mapped_column(String(255))
    channel_id: Mapped[str] = mapped_column(String(32))
    thread_ts: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    opened_by: Mapped[str] = mapped_column(String(32))
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    salt: Mapped[str | None] = mapped_column(String(64))
    min_responses: Mapped[int] = mapped_column(Integer, default=1)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[PollStatus] = mapped_column(
        _enum(PollStatus, "poll_status"), default=PollStatus.OPEN
    )
    result: Mapped[dict | None] = mapped_column(JSON)
    # The ballots it received, stored as it closes, from the ballots it scored: a closed poll
    # takes no more (cast_vote), and closing keeps every ballot row, so the count never changes.
    # None while it is open.
    responses: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PollVote(TeamOwned, Base):
    """One ballot per voter per poll: the unique key turns a redelivered click or a changed mind
    into an update of the same row. `voter_key` is the user id, or in anonymous polls an HMAC
    under the poll's salt, replaced by noise when the poll closes; an anonymous ballot's id is
    random and its `updated_at` is the poll's opening time, so neither tells the order of votes."""

    __tablename__ = "poll_votes"
    __table_args__ = (
        same_team("poll_id", "expertise_polls", "fk_poll_votes_poll"),
        UniqueConstraint("team_id", "poll_id", "voter_key"),
        # Participation reads a period's ballots from the index alone (migration 0014).
        Index(
            "ix_poll_votes_ballots",
            "team_id",
            "poll_id",
            postgresql_include=["voter_key", "nominee_id"],
        ),
    )

    id: Mapped[int] = mapped_column(RandomId, primary_key=True, autoincrement=False)
    poll_id: Mapped[int] = mapped_column(Integer)
    voter_key: Mapped[str] = mapped_column(String(64))
    rating: Mapped[int | None] = mapped_column(Integer)
    nominee_id: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
