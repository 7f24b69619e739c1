"""The declaration form's charter-dependent parts, read fresh each time the form opens."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from app.blocks.declare_extras import build_declare_extras
from app.domain import charter as charters
from app.domain import values
from app.listeners.deps import Deps


def declare_extras(deps: Deps, team_id: str) -> list[Block]:
    with deps.sessions() as session:
        names = [d.name for d in charters.domains(session, team_id)]
        principles = values.team_principles(session, team_id)
    return build_declare_extras(names, principles)
