"""The declarative base, naming convention, enum columns, and the team every row belongs to."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Enum,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    MetaData,
    String,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.db.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


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


class TeamOwned:
    """Every row belongs to one Slack team and every query filters on team_id."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))


# Anonymous rows take a random id (app.domain.anonymity.random_id), never the next one, so that
# their order says nothing about who came first. SQLite's INTEGER key is 64-bit already.
RandomId = BigInteger().with_variant(Integer(), "sqlite")


def same_team(column: str, parent: str, name: str) -> ForeignKeyConstraint:
    """A child points at its parent through (team_id, id), so it can never hang under another
    team's row; the parent carries UNIQUE(team_id, id) for it."""
    return ForeignKeyConstraint(
        ["team_id", column], [f"{parent}.team_id", f"{parent}.id"], ondelete="CASCADE", name=name
    )
