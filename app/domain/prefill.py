"""What a declaration gets from the charter, the channel's rotation and the situational
heuristic, for the fields the person left empty. What they chose always stands, except that a
domain's zone is a floor: a charter that says `design` goes through principles is not undone
by leaving the zone at its default."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Charter
from app.domain import charter as charters
from app.domain import rotation_service, values
from app.domain.decisions import Declaration
from app.domain.situational import Suggestion, suggest
from app.vocabulary import Framework, Zone

ORDER = [Zone.LOCAL, Zone.PRINCIPLE, Zone.CENTRE]


@dataclass(frozen=True)
class Answers:
    domain: str | None = None
    principle_key: str | None = None
    high_stakes: bool | None = None
    time_pressure: bool | None = None


def complete(
    session: Session, team_id: str, declaration: Declaration, answers: Answers, now: datetime
) -> tuple[Declaration, Suggestion | None]:
    """The declaration with charter defaults, the rotating lead and suggestions filled in."""
    changes: dict = {}
    suggestion = suggest(declaration.reversible, answers.high_stakes, answers.time_pressure)
    if suggestion is not None:
        changes["framework"] = declaration.framework or suggestion.framework
        changes["approach"] = declaration.approach or suggestion.approach
    decider = declaration.decider_id
    if answers.domain:
        domain = charters.domain(session, team_id, answers.domain)
        changes["domain"] = domain.name
        default = domain.authority_id
        if domain.rotation_id is not None:
            rotation = rotation_service.find_by_id(session, team_id, domain.rotation_id)
            default = rotation_service.lead_now(session, rotation, now) if rotation else None
            changes["framework"] = declaration.framework or Framework.ROTATING
        if decider is None and default:
            decider = default
            changes["per_charter"] = True
        if ORDER.index(domain.zone) > ORDER.index(declaration.zone):
            changes["zone"] = domain.zone
            changes["per_charter"] = True
    framework = changes.get("framework", declaration.framework)
    if decider is None and framework is Framework.ROTATING:
        decider = rotation_service.channel_lead(session, team_id, declaration.channel_id, now)
    changes["decider_id"] = decider
    if answers.principle_key:
        charter = session.scalars(select(Charter).where(Charter.team_id == team_id)).one_or_none()
        if charter is not None:
            changes["principle"] = values.principle_text(charter, answers.principle_key)
    return dataclasses.replace(declaration, **changes), suggestion
