"""The names the bot has seen for people and channels, so human-facing exports can say
"Carol" and "#platform" where Slack would render `<@U0CAROL>` and `<#C0PLATFORM>`."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.models.base import Base


class KnownName(Base):
    """One person's or channel's latest name in one team.

    Keyed by (team, kind, Slack id) with no surrogate id and no timestamps on purpose: a row
    says only that the bot has seen this name, never when or in what order, so it cannot be
    lined up against the time of an anonymous answer (app.domain.anonymity).
    """

    __tablename__ = "known_names"

    team_id: Mapped[str] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)  # person | channel
    slack_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # "directory" (users.info / conversations.info) outranks "seen" (a payload's user_name,
    # a mention's label): a handle seen later never overwrites a display name from Slack.
    source: Mapped[str] = mapped_column(String(16))
