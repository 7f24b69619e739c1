"""The tables. Every row carries the Slack team (workspace) it belongs to."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Enum,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from app.db.types import UTCDateTime

# Stable constraint names so migrations can refer to them on every database.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Status(enum.StrEnum):
    OPEN = "open"
    ESCALATED = "escalated"
    DECIDED = "decided"
    SUPERSEDED = "superseded"
    CANCELLED = "cancelled"


class Framework(enum.StrEnum):
    EXPERTISE = "expertise"
    SITUATIONAL = "situational"
    ROTATING = "rotating"


class Approach(enum.StrEnum):
    STRATEGIC = "strategic"
    TACTICAL = "tactical"
    STRUCTURAL = "structural"


class Zone(enum.StrEnum):
    LOCAL = "local"
    PRINCIPLE = "principle"
    CENTRE = "centre"


def _enum(cls: type[enum.StrEnum], name: str) -> Enum:
    """Stored as short strings, not native enums, so adding a value is a plain migration."""
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=False,
        length=16,
        values_callable=lambda members: [m.value for m in members],
    )


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # Slack team id, T...
    domain: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Decision(Base):
    __tablename__ = "decisions"
    __table_args__ = (
        UniqueConstraint("team_id", "origin_key"),
        UniqueConstraint("team_id", "id"),
        Index("ix_decisions_team_created", "team_id", "created_at"),
        Index("ix_decisions_team_status", "team_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    # What the decision came from (a command's trigger, a modal's view id): a redelivered
    # request finds the row it already made instead of making a second one.
    origin_key: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(200))
    context: Mapped[str | None] = mapped_column(Text)
    channel_id: Mapped[str] = mapped_column(String(32))
    thread_ts: Mapped[str | None] = mapped_column(String(32))  # thread the card was posted in
    card_ts: Mapped[str | None] = mapped_column(String(32))
    permalink: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[Status] = mapped_column(_enum(Status, "decision_status"), default=Status.OPEN)
    decider_id: Mapped[str | None] = mapped_column(String(32))
    deferred_by: Mapped[str | None] = mapped_column(String(32))
    framework: Mapped[Framework | None] = mapped_column(_enum(Framework, "decision_framework"))
    approach: Mapped[Approach | None] = mapped_column(_enum(Approach, "decision_approach"))
    zone: Mapped[Zone] = mapped_column(_enum(Zone, "decision_zone"), default=Zone.LOCAL)
    reversible: Mapped[bool | None] = mapped_column(Boolean)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolution: Mapped[str | None] = mapped_column(Text)
    rationale: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(32))
    outcome_note: Mapped[str | None] = mapped_column(Text)

    events: Mapped[list[DecisionEvent]] = relationship(
        back_populates="decision", order_by="DecisionEvent.id", viewonly=True
    )


class DecisionEvent(Base):
    """One change to a decision, with who made it and when. Never updated, never deleted."""

    __tablename__ = "decision_events"
    __table_args__ = (
        # The composite key ties each event to a decision of the same team.
        ForeignKeyConstraint(
            ["team_id", "decision_id"],
            ["decisions.team_id", "decisions.id"],
            ondelete="CASCADE",
            name="fk_decision_events_decision",
        ),
        UniqueConstraint("team_id", "idempotency_key"),
        Index("ix_decision_events_decision", "team_id", "decision_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    decision_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    from_status: Mapped[Status | None] = mapped_column(_enum(Status, "event_from_status"))
    to_status: Mapped[Status | None] = mapped_column(_enum(Status, "event_to_status"))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    idempotency_key: Mapped[str | None] = mapped_column(String(255))

    decision: Mapped[Decision] = relationship(
        back_populates="events",
        primaryjoin="and_(DecisionEvent.team_id == Decision.team_id, "
        "DecisionEvent.decision_id == Decision.id)",
        foreign_keys="[DecisionEvent.team_id, DecisionEvent.decision_id]",
        viewonly=True,
    )
