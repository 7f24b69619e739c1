"""Who decides in a domain of the charter: the answer the "Find who decides" step gives.

The charter's own default comes first (a person, or the current lead of the domain's rotation);
a domain that names nobody falls to the channel's rotation lead, then to the steward. A domain
the charter does not know is an answer too (source `none`), not an error: a workflow can branch
on it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import CharterDomain
from app.domain import charter as charters
from app.domain import rotation_service, steward
from app.vocabulary import Zone


class Source(enum.StrEnum):
    CHARTER_DEFAULT = "charter_default"
    ROTATION_LEAD = "rotation_lead"
    STEWARD = "steward"
    NONE = "none"


@dataclass(frozen=True)
class Authority:
    """The answer: who (or None), how they were found, the domain's zone, and for `none` the
    domains the charter does know (so the note can say what to type instead)."""

    domain: str
    decider_id: str | None
    source: Source
    zone: Zone = Zone.LOCAL
    known: bool = True
    rotation_name: str | None = None
    domains: tuple[str, ...] = ()


def normalise(name: str) -> str:
    return " ".join(str(name).lower().split())


def who_decides(
    session: Session, team_id: str, domain_name: str, channel_id: str | None, now: datetime
) -> Authority:
    name = normalise(domain_name)
    row = session.scalars(
        select(CharterDomain).where(CharterDomain.team_id == team_id, CharterDomain.name == name)
    ).one_or_none()
    if row is None:
        known = tuple(d.name for d in charters.domains(session, team_id))
        return Authority(name, None, Source.NONE, known=False, domains=known)
    if row.authority_id:
        return Authority(name, row.authority_id, Source.CHARTER_DEFAULT, row.zone)
    if row.rotation_id is not None:
        rotation = rotation_service.find_by_id(session, team_id, row.rotation_id)
        if rotation is not None:
            lead = rotation_service.lead_now(session, rotation, now)
            named = rotation.name
            return Authority(name, lead, Source.ROTATION_LEAD, row.zone, rotation_name=named)
    if channel_id:
        in_channel = rotation_service.in_channel(session, team_id, channel_id)
        if in_channel:
            lead = rotation_service.lead_now(session, in_channel[0], now)
            return Authority(
                name, lead, Source.ROTATION_LEAD, row.zone, rotation_name=in_channel[0].name
            )
    holder = steward.current(session, team_id, now)
    if holder:
        return Authority(name, holder, Source.STEWARD, row.zone)
    return Authority(name, None, Source.NONE, row.zone)
