"""Decisions and their append-only history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.db.models.base import (
    Base,
    TeamOwned,
    _enum,
    same_team,
)
from app.db.title_key import title_key
from app.db.types import UTCDateTime
from app.vocabulary import Approach, Framework, Status, Tiebreaker, Zone

# What the dashboard's tally reads besides team and time for its period's first, partial day
# (app/domain/metrics.read_tally; whole days come from the running totals, app/db/counts.py).
TALLIED = [
    "decider_id",
    "status",
    "framework",
    "decider_rule",
    "outcome",
    "channel_id",
    "decided_at",
]
OPEN_TALLIED = ["status", "framework", "decider_rule", "outcome", "channel_id", "decided_at"]
CHANNEL_TALLIED = ["decider_id", "status", "framework", "decider_rule", "outcome", "decided_at"]


class Decision(TeamOwned, Base):
    __tablename__ = "decisions"
    __table_args__ = (
        UniqueConstraint("team_id", "origin_key"),
        UniqueConstraint("team_id", "id"),
        # The dashboard's tally reads the decisions opened in its period, those decided in it,
        # and those open now from these three alone (index-only scans on PostgreSQL, 0017).
        Index("ix_decisions_team_created", "team_id", "created_at", postgresql_include=TALLIED),
        Index("ix_decisions_team_status", "team_id", "status"),
        # Stats over a period, open load per person, a channel's decisions (migration 0005).
        Index(
            "ix_decisions_team_decided",
            "team_id",
            "decided_at",
            # velocity from the index alone (0006), and the tally (0017)
            postgresql_include=["created_at", *TALLIED[:-1]],
        ),
        # Open decisions: a person's on Home in deadline order, and the tally's open load.
        Index(
            "ix_decisions_team_open",
            "team_id",
            "decider_id",
            "deadline",
            "created_at",
            postgresql_include=OPEN_TALLIED,
            postgresql_where=text("status IN ('open', 'escalated')"),
            sqlite_where=text("status IN ('open', 'escalated')"),
        ),
        # A person's decisions still waiting for their outcome review, oldest first (Home).
        Index(
            "ix_decisions_team_unreviewed",
            "team_id",
            "decider_id",
            "decided_at",
            postgresql_where=text("status = 'decided' AND outcome IS NULL"),
            sqlite_where=text("status = 'decided' AND outcome IS NULL"),
        ),
        Index("ix_decisions_team_decider", "team_id", "decider_id", "status"),
        # A channel's decisions; for a channel's stats, the tally's and velocity's ranges (0017).
        Index(
            "ix_decisions_team_channel",
            "team_id",
            "channel_id",
            "created_at",
            postgresql_include=CHANNEL_TALLIED,
        ),
        Index(
            "ix_decisions_team_channel_decided",
            "team_id",
            "channel_id",
            "decided_at",
            postgresql_include=["created_at", *CHANNEL_TALLIED[:-1]],
        ),
        # Shadow authority reads only decisions someone was named for; calibration only those
        # with a forecast: partial indexes that carry what each figure reads (migration 0014).
        Index(
            "ix_decisions_team_named",
            "team_id",
            "decided_at",
            postgresql_include=[
                "status", "channel_id", "decider_id", "charter_authority_id", "poll_expert_id",
                "domain",
            ],
            postgresql_where=text("charter_authority_id IS NOT NULL OR poll_expert_id IS NOT NULL"),
            sqlite_where=text("charter_authority_id IS NOT NULL OR poll_expert_id IS NOT NULL"),
        ),
        Index(
            "ix_decisions_team_forecast",
            "team_id",
            "decided_at",
            postgresql_include=[
                "channel_id", "domain", "forecast_by", "forecast_confidence", "forecast_shared",
                "outcome",
            ],
            postgresql_where=text("forecast_confidence IS NOT NULL"),
            sqlite_where=text("forecast_confidence IS NOT NULL"),
        ),
    )  # fmt: skip

    # What the decision came from (a command's trigger, a modal's view id): a redelivered
    # request finds the row it already made instead of making a second one.
    origin_key: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(200))
    # The title's content words, kept in step by `_keep_title_key` (app/db/title_key.py):
    # what the similar-decision check compares (PostgreSQL: pg_trgm index, migration 0010).
    title_key: Mapped[str] = mapped_column(String(200), default="", server_default="")
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
    tiebreaker: Mapped[Tiebreaker] = mapped_column(
        _enum(Tiebreaker, "decision_tiebreaker"), default=Tiebreaker.OPENER, server_default="opener"
    )
    domain: Mapped[str | None] = mapped_column(String(40))  # a charter domain's name
    principle: Mapped[str | None] = mapped_column(String(200))  # the principle in play, as cited
    per_charter: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    reopened: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # The tiebreaker rule that chose the current decider ("steward", "rotation_lead", ...);
    # None when a person, a poll's clear result or a rotation chose (migration 0012).
    decider_rule: Mapped[str | None] = mapped_column(String(32))
    # Who objected in a consensus check, and why, while that objection stands.
    objected_by: Mapped[str | None] = mapped_column(String(32))
    objection: Mapped[str | None] = mapped_column(Text)
    # Who the charter named for the domain and whom the expertise poll recommended, as they
    # stood when the decision was decided: shadow authority compares them with the decider.
    charter_authority_id: Mapped[str | None] = mapped_column(String(32))
    poll_expert_id: Mapped[str | None] = mapped_column(String(32))
    # What the person recording the resolution expected, and how sure they were (50-99%):
    # private to them (`forecast_by`) until they share it on the card.
    forecast: Mapped[str | None] = mapped_column(Text)
    forecast_confidence: Mapped[int | None] = mapped_column(Integer)
    forecast_by: Mapped[str | None] = mapped_column(String(32))
    forecast_shared: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # Supersession, both ways, with the other card's permalink (migration 0009).
    supersedes_id: Mapped[int | None] = mapped_column(Integer)
    superseded_by_id: Mapped[int | None] = mapped_column(Integer)
    supersedes_link: Mapped[str | None] = mapped_column(String(500))
    superseded_by_link: Mapped[str | None] = mapped_column(String(500))
    # The last cancel, reopen, hand-on or edit as the card shows it: kind, by, at, reason.
    last_change: Mapped[dict | None] = mapped_column(JSON)

    events: Mapped[list[DecisionEvent]] = relationship(
        back_populates="decision", order_by="DecisionEvent.id", viewonly=True
    )

    @validates("title")
    def _keep_title_key(self, _name: str, title: str) -> str:
        """Every ORM write of a title rewrites its key; bulk writes must set both."""
        self.title_key = title_key(title)
        return title


class DecisionEvent(TeamOwned, Base):
    """One change to a decision, with who made it and when. Never updated, never deleted."""

    __tablename__ = "decision_events"
    __table_args__ = (
        # The composite key ties each event to a decision of the same team.
        same_team("decision_id", "decisions", "fk_decision_events_decision"),
        UniqueConstraint("team_id", "idempotency_key"),
        Index("ix_decision_events_decision", "team_id", "decision_id"),
    )

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
