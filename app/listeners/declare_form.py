"""The declaration form's charter-dependent parts, read fresh each time the form opens."""

from __future__ import annotations

from slack_sdk.models.blocks import Block
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.blocks.declare_extras import build_declare_extras
from app.db.models import Charter
from app.domain import charter as charters
from app.domain import values
from app.listeners.deps import Deps


def declare_extras(deps: Deps, team_id: str) -> list[Block]:
    with deps.sessions() as session:
        names = [d.name for d in charters.domains(session, team_id)]
        principles = team_principles(session, team_id)
    return build_declare_extras(names, principles)


def team_principles(session: Session, team_id: str) -> list[tuple[str, str]]:
    found = session.scalars(select(Charter).where(Charter.team_id == team_id)).one_or_none()
    return values.principles(found) if found else []


def cited_principle(session: Session, team_id: str, key: str | None) -> str | None:
    """The text of the principle a form cited by its key; None when none was picked."""
    if key is None:
        return None
    found = session.scalars(select(Charter).where(Charter.team_id == team_id)).one_or_none()
    return values.principle_text(found, key) if found else None
