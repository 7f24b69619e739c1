"""Channel schedules, the scheduled-post ledger, and anonymous retrospective answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db.models.base import (
    Base,
    RandomId,
    TeamOwned,
    same_team,
)
from app.db.types import UTCDateTime


class ChannelSchedule(TeamOwned, Base):
    """A channel's recurring post (stand-up deference check or retrospective), in local time.

    Jobs read this row every time they fire, so a change or removal needs no restart.
    """

    __tablename__ = "channel_schedules"
    __table_args__ = (UniqueConstraint("team_id", "channel_id", "kind"),)

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


class ScheduledPost(TeamOwned, Base):
    """The ledger of scheduled posts: one row per (kind, subject, occurrence), inserted before
    posting. The unique key makes a second process or a late duplicate job a no-op."""

    __tablename__ = "scheduled_posts"
    __table_args__ = (
        UniqueConstraint("team_id", "kind", "subject", "occurrence"),
        UniqueConstraint("team_id", "id"),
        Index("ix_scheduled_posts_status", "status", "kind"),
        # The post queue (app.domain.post_queue) scans only what is still to post, so its
        # index holds only those rows however long the ledger of sent posts grows.
        Index(
            "ix_scheduled_posts_queue",
            "available_at",
            postgresql_where=text("status IN ('pending', 'posting')"),
            sqlite_where=text("status IN ('pending', 'posting')"),
        ),
    )

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
    # Queued posts: not taken before this time (a failed attempt backs off; None: at once).
    available_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RetroAnswer(TeamOwned, Base):
    """An anonymous answer to a retrospective question. There is deliberately no user column
    and no time, and the id is random: nothing in the row lines up with who submitted what, or
    when. `dedupe_key` (a redelivered modal) is an HMAC under the retro's AnonymityKey and is
    erased with that key when the retro closes."""

    __tablename__ = "retro_answers"
    __table_args__ = (
        same_team("post_id", "scheduled_posts", "fk_retro_answers_post"),
        UniqueConstraint("team_id", "dedupe_key"),
        Index("ix_retro_answers_post", "team_id", "post_id"),
    )

    id: Mapped[int] = mapped_column(RandomId, primary_key=True, autoincrement=False)
    post_id: Mapped[int] = mapped_column(Integer)
    question: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    dedupe_key: Mapped[str | None] = mapped_column(String(64))


class RetroRespondent(TeamOwned, Base):
    """That someone answered a retrospective, kept apart from what they answered.

    Counting distinct respondents (not answers) is what keeps answers hidden until three
    people have spoken; nothing links a respondent row to an answer row: the id is random and
    `respondent_key` is an HMAC under the retro's AnonymityKey, erased when the retro closes.
    """

    __tablename__ = "retro_respondents"
    __table_args__ = (
        same_team("post_id", "scheduled_posts", "fk_retro_respondents_post"),
        UniqueConstraint("team_id", "post_id", "respondent_key"),
    )

    id: Mapped[int] = mapped_column(RandomId, primary_key=True, autoincrement=False)
    post_id: Mapped[int] = mapped_column(Integer)
    respondent_key: Mapped[str | None] = mapped_column(String(64))


class AnonymityKey(TeamOwned, Base):
    """The random secret that keys an anonymous flow's dedupe hashes while it is open ("retro:
    <post id>", "reports"). Closing deletes it and erases every hash made with it, so that from
    then on nobody, holding the database and the logs or not, can recompute one."""

    __tablename__ = "anonymity_keys"
    __table_args__ = (
        UniqueConstraint("team_id", "scope"),
        Index("ix_anonymity_keys_expires", "expires_at"),
    )

    scope: Mapped[str] = mapped_column(String(64))
    secret: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
