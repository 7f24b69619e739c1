"""The charter canvas: which channel canvases mirror the charter, and what they must say.

`/decide charter canvas` records the channel's canvas here; every later change of the charter,
the values, the rotations or the steward rewrites each recorded canvas's parts from `mirror()`
(app.posting.canvas), so the canvas is never edited by hand into disagreeing with the source.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db.models import CharterCanvas
from app.domain import charter as charters
from app.domain import permissions, rotation_service, steward
from app.domain.teams import get_or_create_team
from app.vocabulary import Action


@dataclass(frozen=True)
class DomainLine:
    name: str
    authority_id: str | None
    rotation: str | None
    zone: str
    escalation_id: str | None


@dataclass(frozen=True)
class LeadLine:
    rotation: str
    channel_id: str
    lead_id: str


@dataclass(frozen=True)
class Mirror:
    """Everything the canvas shows, read in one transaction."""

    domains: tuple[DomainLine, ...]
    escalation_contact: str | None
    values: tuple[tuple[str, tuple[str, ...]], ...]
    leads: tuple[LeadLine, ...]
    steward_id: str | None


def check_may_create(user_id: str, is_admin: bool) -> None:
    permissions.check(Action.CANVAS_CREATE, permissions.Actor(user_id, is_admin=is_admin))


def mirror(session: Session, team_id: str, now: datetime) -> Mirror:
    charter = charters.get_or_create(session, team_id, now)
    rotations = rotation_service.in_team(session, team_id)
    names = {r.id: r.name for r in rotations}
    domains = tuple(
        DomainLine(
            d.name,
            d.authority_id,
            names.get(d.rotation_id) if d.rotation_id is not None else None,
            d.zone.value,
            d.escalation_contact or charter.escalation_contact,
        )
        for d in charters.domains(session, team_id)
    )
    values = tuple(
        (str(v.get("name", "")), tuple(str(p) for p in v.get("principles", [])))
        for v in charter.values or []
    )
    leads = tuple(
        LeadLine(r.name, r.channel_id, rotation_service.lead_now(session, r, now))
        for r in rotations
    )
    return Mirror(
        domains, charter.escalation_contact, values, leads, steward.current(session, team_id, now)
    )


def remember(
    session: Session, *, team_id: str, channel_id: str, canvas_id: str, actor_id: str, now
) -> CharterCanvas:
    """Record (or move) the channel's charter canvas; a concurrent twin keeps the first row."""
    get_or_create_team(session, team_id, now)
    row = find(session, team_id, channel_id)
    if row is None:
        try:
            with session.begin_nested():
                row = CharterCanvas(
                    team_id=team_id,
                    channel_id=channel_id,
                    canvas_id=canvas_id,
                    created_by=actor_id,
                    created_at=now,
                )
                session.add(row)
                session.flush()
        except IntegrityError:
            row = find(session, team_id, channel_id)
            if row is None:
                raise
    row.canvas_id = canvas_id
    charters.log_change(session, team_id, "canvas_created", actor_id, now, {"channel": channel_id})
    return row


def find(session: Session, team_id: str, channel_id: str) -> CharterCanvas | None:
    return session.scalars(
        select(CharterCanvas).where(
            CharterCanvas.team_id == team_id, CharterCanvas.channel_id == channel_id
        )
    ).one_or_none()


def of_team(session: Session, team_id: str) -> list[tuple[str, str]]:
    """(channel, canvas id) of every charter canvas the team has."""
    rows = session.execute(
        select(CharterCanvas.channel_id, CharterCanvas.canvas_id)
        .where(CharterCanvas.team_id == team_id)
        .order_by(CharterCanvas.id)
    )
    return [(channel, canvas) for channel, canvas in rows]
