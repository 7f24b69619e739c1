"""Rotations, the charter, consensus checks and anonymous reports."""

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
from app.vocabulary import Zone


class Rotation(TeamOwned, Base):
    """A channel's rotating decision lead. Who leads is computed from the members, the start
    date and the dated changes (app.domain.rotations), never stored, so nothing goes stale."""

    __tablename__ = "rotations"
    __table_args__ = (
        UniqueConstraint("team_id", "channel_id", "name"),
        UniqueConstraint("team_id", "id"),
    )

    channel_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(40))
    members: Mapped[list] = mapped_column(JSON)  # user ids, in turn order
    period_days: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[str] = mapped_column(String(10))  # ISO local date of the first turn
    tz: Mapped[str] = mapped_column(String(64))  # handoffs happen at local midnight here
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RotationChange(TeamOwned, Base):
    """A dated adjustment (skip, swap, away) that applies from `effective` (a local date)."""

    __tablename__ = "rotation_changes"
    __table_args__ = (
        same_team("rotation_id", "rotations", "fk_rotation_changes_rotation"),
        Index("ix_rotation_changes_rotation", "team_id", "rotation_id"),
    )

    rotation_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # skip | swap | away
    effective: Mapped[str] = mapped_column(String(10))
    user_id: Mapped[str | None] = mapped_column(String(32))
    other_id: Mapped[str | None] = mapped_column(String(32))
    until: Mapped[str | None] = mapped_column(String(10))
    actor_id: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class Charter(TeamOwned, Base):
    """The team's deference guide: one row per team, edited by compare-and-set on `version`
    so two people editing at once cannot silently overwrite each other."""

    __tablename__ = "charters"
    __table_args__ = (UniqueConstraint("team_id"),)

    version: Mapped[int] = mapped_column(Integer, default=0)
    escalation_contact: Mapped[str | None] = mapped_column(String(32))
    editors: Mapped[str] = mapped_column(String(16), default="admins")  # admins|everyone|people
    editor_ids: Mapped[list] = mapped_column(JSON, default=list)
    values: Mapped[list] = mapped_column(JSON, default=list)  # [{"name", "principles": [..]}]
    steward_id: Mapped[str | None] = mapped_column(String(32))
    steward_rotation_id: Mapped[int | None] = mapped_column(Integer)
    steward_every: Mapped[str | None] = mapped_column(String(16))
    steward_since: Mapped[str | None] = mapped_column(String(10))
    updated_by: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CharterDomain(TeamOwned, Base):
    """A decision domain with its default authority (a person or a rotation), zone and contact."""

    __tablename__ = "charter_domains"
    __table_args__ = (UniqueConstraint("team_id", "name"),)

    name: Mapped[str] = mapped_column(String(40))
    authority_id: Mapped[str | None] = mapped_column(String(32))
    rotation_id: Mapped[int | None] = mapped_column(Integer)
    zone: Mapped[Zone] = mapped_column(_enum(Zone, "domain_zone"), default=Zone.LOCAL)
    escalation_contact: Mapped[str | None] = mapped_column(String(32))


class CharterFormalLead(TeamOwned, Base):
    """People the team names formal leads, so metrics can compare them with the experts."""

    __tablename__ = "charter_formal_leads"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    user_id: Mapped[str] = mapped_column(String(32))


class CharterEvent(TeamOwned, Base):
    """A change to the charter, values, rotations or steward: who, when, what. Append-only."""

    __tablename__ = "charter_events"
    __table_args__ = (Index("ix_charter_events_team", "team_id", "at"),)

    kind: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


class ConsensusCheck(TeamOwned, Base):
    """ "Is everyone comfortable with @x having final say?" posted in a decision's thread."""

    __tablename__ = "consensus_checks"
    __table_args__ = (
        Index("ix_consensus_checks_team_created", "team_id", "created_at"),  # participation
        same_team("decision_id", "decisions", "fk_consensus_checks_decision"),
        UniqueConstraint("team_id", "id"),
        UniqueConstraint("team_id", "origin_key"),
    )

    decision_id: Mapped[int] = mapped_column(Integer)
    origin_key: Mapped[str] = mapped_column(String(255))
    decider_id: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))  # open | objected
    message_ts: Mapped[str | None] = mapped_column(String(32))
    asked_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ConsensusVote(TeamOwned, Base):
    """One answer per person per check: a click delivered twice hits the unique key."""

    __tablename__ = "consensus_votes"
    __table_args__ = (
        same_team("check_id", "consensus_checks", "fk_consensus_votes_check"),
        UniqueConstraint("team_id", "check_id", "user_id"),
    )

    check_id: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[str] = mapped_column(String(32))
    agree: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str | None] = mapped_column(Text)  # an objection's reason


class FeedbackReport(TeamOwned, Base):
    """An anonymous report of misused deference. There is deliberately no author column and no
    time, and the id is random. `dedupe_key` (a redelivery) is an HMAC of the modal's view id
    under the team's short-lived "reports" AnonymityKey, erased when that key expires."""

    __tablename__ = "feedback_reports"
    __table_args__ = (UniqueConstraint("team_id", "dedupe_key"),)

    id: Mapped[int] = mapped_column(RandomId, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    decision_id: Mapped[int | None] = mapped_column(Integer)
    dedupe_key: Mapped[str | None] = mapped_column(String(64))


# slack_sdk's installation and OAuth state stores (app/installs.py), in slack_sdk's own layout;
# declared here so that Alembic manages them (migration 0005) and purge finds their team_id.


class CharterCanvas(TeamOwned, Base):
    """A channel canvas that mirrors the charter (`/decide charter canvas`): the bot rewrites
    its sections whenever the charter, the values, the rotations or the steward change."""

    __tablename__ = "charter_canvases"
    __table_args__ = (UniqueConstraint("team_id", "channel_id"),)

    channel_id: Mapped[str] = mapped_column(String(32))
    canvas_id: Mapped[str] = mapped_column(String(32))
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
