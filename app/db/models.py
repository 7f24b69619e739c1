"""The tables. Every row carries the Slack team (workspace) it belongs to."""

from __future__ import annotations

import enum
from datetime import datetime

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
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


class Tiebreaker(enum.StrEnum):
    """Who settles a tied or under-attended poll: the opener, the poll's leader, the team's
    steward, or the current lead of the channel's rotation (the opener when there is none)."""

    OPENER = "opener"
    POLL_LEADER = "poll_leader"
    STEWARD = "steward"
    ROTATION_LEAD = "rotation_lead"


class PollStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


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
        # Stats over a period, open load per person, a channel's decisions (migration 0005).
        Index(
            "ix_decisions_team_decided",
            "team_id",
            "decided_at",
            postgresql_include=["created_at"],  # velocity from the index alone (0006)
        ),
        Index("ix_decisions_team_decider", "team_id", "decider_id", "status"),
        Index("ix_decisions_team_channel", "team_id", "channel_id", "created_at"),
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
    tiebreaker: Mapped[Tiebreaker] = mapped_column(
        _enum(Tiebreaker, "decision_tiebreaker"), default=Tiebreaker.OPENER, server_default="opener"
    )
    domain: Mapped[str | None] = mapped_column(String(40))  # a charter domain's name
    principle: Mapped[str | None] = mapped_column(String(200))  # the principle in play, as cited
    per_charter: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    reopened: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

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


class ExpertisePoll(Base):
    """An expertise poll in a decision's thread. `salt` keys anonymous ballots and is destroyed
    on closing, after which nobody, not even the database, can tell whose ballot was whose."""

    __tablename__ = "expertise_polls"
    __table_args__ = (
        ForeignKeyConstraint(
            ["team_id", "decision_id"],
            ["decisions.team_id", "decisions.id"],
            ondelete="CASCADE",
            name="fk_expertise_polls_decision",
        ),
        UniqueConstraint("team_id", "id"),
        UniqueConstraint("team_id", "origin_key"),
        Index("ix_expertise_polls_due", "status", "closes_at"),
        Index("ix_expertise_polls_decision", "team_id", "decision_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PollVote(Base):
    """One ballot per voter per poll: the unique key turns a redelivered click or a changed mind
    into an update of the same row. `voter_key` is the user id, or an HMAC in anonymous polls."""

    __tablename__ = "poll_votes"
    __table_args__ = (
        ForeignKeyConstraint(
            ["team_id", "poll_id"],
            ["expertise_polls.team_id", "expertise_polls.id"],
            ondelete="CASCADE",
            name="fk_poll_votes_poll",
        ),
        UniqueConstraint("team_id", "poll_id", "voter_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    poll_id: Mapped[int] = mapped_column(Integer)
    voter_key: Mapped[str] = mapped_column(String(64))
    rating: Mapped[int | None] = mapped_column(Integer)
    nominee_id: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ChannelSchedule(Base):
    """A channel's recurring post (stand-up deference check or retrospective), in local time.

    Jobs read this row every time they fire, so a change or removal needs no restart.
    """

    __tablename__ = "channel_schedules"
    __table_args__ = (UniqueConstraint("team_id", "channel_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    channel_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))  # "checkin" | "retro"
    hour: Mapped[int] = mapped_column(Integer)
    minute: Mapped[int] = mapped_column(Integer)
    weekdays: Mapped[str] = mapped_column(String(16))  # "0,1,2,3,4": Monday is 0
    every_weeks: Mapped[int] = mapped_column(Integer, default=1)
    anchor: Mapped[str] = mapped_column(String(10))  # ISO Monday the week count starts from
    tz: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    disabled_reason: Mapped[str | None] = mapped_column(String(64))


class ScheduledPost(Base):
    """The ledger of scheduled posts: one row per (kind, subject, occurrence), inserted before
    posting. The unique key makes a second process or a late duplicate job a no-op."""

    __tablename__ = "scheduled_posts"
    __table_args__ = (
        UniqueConstraint("team_id", "kind", "subject", "occurrence"),
        UniqueConstraint("team_id", "id"),
        Index("ix_scheduled_posts_status", "status", "kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(64))  # a channel id or a decision id
    occurrence: Mapped[str] = mapped_column(String(40))  # the slot (ISO UTC) or "once"
    status: Mapped[str] = mapped_column(String(16))  # pending | posting | sent | skipped
    channel_id: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RetroAnswer(Base):
    """An anonymous answer to a retrospective question. There is deliberately no user column
    and no time: a double-submitted modal is recognised by a hash of its view id, and nothing
    in the row can be lined up with who submitted what, or when."""

    __tablename__ = "retro_answers"
    __table_args__ = (
        ForeignKeyConstraint(
            ["team_id", "post_id"],
            ["scheduled_posts.team_id", "scheduled_posts.id"],
            ondelete="CASCADE",
            name="fk_retro_answers_post",
        ),
        UniqueConstraint("team_id", "dedupe_key"),
        Index("ix_retro_answers_post", "team_id", "post_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    post_id: Mapped[int] = mapped_column(Integer)
    question: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    dedupe_key: Mapped[str] = mapped_column(String(64))


class RetroRespondent(Base):
    """That someone answered a retrospective, kept apart from what they answered.

    Counting distinct respondents (not answers) is what keeps answers hidden until three
    people have spoken; nothing links a respondent row to an answer row.
    """

    __tablename__ = "retro_respondents"
    __table_args__ = (
        ForeignKeyConstraint(
            ["team_id", "post_id"],
            ["scheduled_posts.team_id", "scheduled_posts.id"],
            ondelete="CASCADE",
            name="fk_retro_respondents_post",
        ),
        UniqueConstraint("team_id", "post_id", "respondent_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    post_id: Mapped[int] = mapped_column(Integer)
    respondent_key: Mapped[str] = mapped_column(String(64))


class Rotation(Base):
    """A channel's rotating decision lead. Who leads is computed from the members, the start
    date and the dated changes (app.domain.rotations), never stored, so nothing goes stale."""

    __tablename__ = "rotations"
    __table_args__ = (
        UniqueConstraint("team_id", "channel_id", "name"),
        UniqueConstraint("team_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    channel_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(40))
    members: Mapped[list] = mapped_column(JSON)  # user ids, in turn order
    period_days: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[str] = mapped_column(String(10))  # ISO local date of the first turn
    tz: Mapped[str] = mapped_column(String(64))  # handoffs happen at local midnight here
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RotationChange(Base):
    """A dated adjustment (skip, swap, away) that applies from `effective` (a local date)."""

    __tablename__ = "rotation_changes"
    __table_args__ = (
        ForeignKeyConstraint(
            ["team_id", "rotation_id"],
            ["rotations.team_id", "rotations.id"],
            ondelete="CASCADE",
            name="fk_rotation_changes_rotation",
        ),
        Index("ix_rotation_changes_rotation", "team_id", "rotation_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    rotation_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # skip | swap | away
    effective: Mapped[str] = mapped_column(String(10))
    user_id: Mapped[str | None] = mapped_column(String(32))
    other_id: Mapped[str | None] = mapped_column(String(32))
    until: Mapped[str | None] = mapped_column(String(10))
    actor_id: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class Charter(Base):
    """The team's deference guide: one row per team, edited by compare-and-set on `version`
    so two people editing at once cannot silently overwrite each other."""

    __tablename__ = "charters"
    __table_args__ = (UniqueConstraint("team_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
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


class CharterDomain(Base):
    """A decision domain with its default authority (a person or a rotation), zone and contact."""

    __tablename__ = "charter_domains"
    __table_args__ = (UniqueConstraint("team_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(40))
    authority_id: Mapped[str | None] = mapped_column(String(32))
    rotation_id: Mapped[int | None] = mapped_column(Integer)
    zone: Mapped[Zone] = mapped_column(_enum(Zone, "domain_zone"), default=Zone.LOCAL)
    escalation_contact: Mapped[str | None] = mapped_column(String(32))


class CharterFormalLead(Base):
    """People the team names formal leads, so metrics can compare them with the experts."""

    __tablename__ = "charter_formal_leads"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(32))


class CharterEvent(Base):
    """A change to the charter, values, rotations or steward: who, when, what. Append-only."""

    __tablename__ = "charter_events"
    __table_args__ = (Index("ix_charter_events_team", "team_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


class ConsensusCheck(Base):
    """ "Is everyone comfortable with @x having final say?" posted in a decision's thread."""

    __tablename__ = "consensus_checks"
    __table_args__ = (
        ForeignKeyConstraint(
            ["team_id", "decision_id"],
            ["decisions.team_id", "decisions.id"],
            ondelete="CASCADE",
            name="fk_consensus_checks_decision",
        ),
        UniqueConstraint("team_id", "id"),
        UniqueConstraint("team_id", "origin_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    decision_id: Mapped[int] = mapped_column(Integer)
    origin_key: Mapped[str] = mapped_column(String(255))
    decider_id: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))  # open | objected
    message_ts: Mapped[str | None] = mapped_column(String(32))
    asked_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ConsensusVote(Base):
    """One answer per person per check: a click delivered twice hits the unique key."""

    __tablename__ = "consensus_votes"
    __table_args__ = (
        ForeignKeyConstraint(
            ["team_id", "check_id"],
            ["consensus_checks.team_id", "consensus_checks.id"],
            ondelete="CASCADE",
            name="fk_consensus_votes_check",
        ),
        UniqueConstraint("team_id", "check_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    check_id: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[str] = mapped_column(String(32))
    agree: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class FeedbackReport(Base):
    """An anonymous report of misused deference. There is deliberately no author column and no
    time: `dedupe_key` is a hash of the modal's view id (a redelivery), nothing about a person."""

    __tablename__ = "feedback_reports"
    __table_args__ = (UniqueConstraint("team_id", "dedupe_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    decision_id: Mapped[int | None] = mapped_column(Integer)
    dedupe_key: Mapped[str] = mapped_column(String(64))


# slack_sdk's installation and OAuth state stores (app/installs.py), in slack_sdk's own layout;
# declared here so that Alembic manages them (migration 0005) and purge finds their team_id.
INSTALLATIONS_TABLE = "slack_installations"
BOTS_TABLE = "slack_bots"
OAUTH_STATES_TABLE = "slack_oauth_states"
SQLAlchemyInstallationStore.build_installations_table(Base.metadata, INSTALLATIONS_TABLE)
SQLAlchemyInstallationStore.build_bots_table(Base.metadata, BOTS_TABLE)
SQLAlchemyOAuthStateStore.build_oauth_states_table(Base.metadata, OAUTH_STATES_TABLE)
