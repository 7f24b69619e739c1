"""The team charter: decision domains, escalation contact, formal leads, who may edit.

One `charters` row per team carries a `version`; an edit names the version it started from and
is written by compare-and-set, so of two people editing at once the second is told to reload
instead of silently erasing the first one's work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db.models import Charter, CharterDomain, CharterEvent, CharterFormalLead
from app.domain.errors import InvalidInput, NotAllowed, NotFound, People
from app.domain.teams import get_or_create_team
from app.vocabulary import Zone

EDITORS = ("admins", "everyone", "people")
MAX_DOMAINS = 8
_DOMAIN = re.compile(r"^[a-z0-9][a-z0-9 _-]{0,39}$")


@dataclass(frozen=True)
class DomainSpec:
    name: str
    authority_id: str | None = None
    rotation_id: int | None = None
    zone: Zone = Zone.LOCAL
    escalation_contact: str | None = None


@dataclass(frozen=True)
class CharterEdit:
    domains: tuple[DomainSpec, ...]
    escalation_contact: str | None
    editors: str
    editor_ids: tuple[str, ...]
    formal_leads: tuple[str, ...]


def log_change(session: Session, team_id: str, kind: str, actor_id: str, now, detail) -> None:
    session.add(CharterEvent(team_id=team_id, kind=kind, actor_id=actor_id, at=now, detail=detail))
    session.flush()


def get_or_create(session: Session, team_id: str, now: datetime) -> Charter:
    """The team's charter row, made empty on first use (a concurrent maker wins quietly)."""
    row = session.scalars(select(Charter).where(Charter.team_id == team_id)).one_or_none()
    if row is not None:
        return row
    get_or_create_team(session, team_id, now)
    try:
        with session.begin_nested():
            row = Charter(
                team_id=team_id,
                version=0,
                editors="admins",
                editor_ids=[],
                values=[],
                updated_at=now,
            )
            session.add(row)
    except IntegrityError:
        row = session.scalars(select(Charter).where(Charter.team_id == team_id)).one()
    return row


def domains(session: Session, team_id: str) -> list[CharterDomain]:
    return list(
        session.scalars(
            select(CharterDomain)
            .where(CharterDomain.team_id == team_id)
            .order_by(CharterDomain.name)
        )
    )


def domain(session: Session, team_id: str, name: str) -> CharterDomain:
    row = session.scalars(
        select(CharterDomain).where(CharterDomain.team_id == team_id, CharterDomain.name == name)
    ).one_or_none()
    if row is None:
        known = ", ".join(f"`{d.name}`" for d in domains(session, team_id)) or "none yet"
        raise NotFound(f"The charter has no domain “{name[:40]}” (domains: {known}).")
    return row


def formal_leads(session: Session, team_id: str) -> list[str]:
    return list(
        session.scalars(
            select(CharterFormalLead.user_id)
            .where(CharterFormalLead.team_id == team_id)
            .order_by(CharterFormalLead.user_id)
        )
    )


def may_edit(charter: Charter, user_id: str, is_admin: bool) -> bool:
    if charter.editors == "everyone":
        return True
    if charter.editors == "people" and user_id in (charter.editor_ids or []):
        return True
    return is_admin


def check_may_edit(charter: Charter, user_id: str, is_admin: bool, what: str) -> None:
    """Refuse, saying who can, anyone the charter does not let change `what`."""
    if may_edit(charter, user_id, is_admin):
        return
    ask = "Ask one of them, or ask them to let more people edit in `/decide charter`."
    if charter.editors == "people" and charter.editor_ids:
        raise NotAllowed(
            "Only {editors} and workspace admins can change {what}. " + ask,
            editors=People(tuple(charter.editor_ids)),
            what=what,
        )
    raise NotAllowed("Only workspace admins and owners can change {what}. " + ask, what=what)


def needs_admin(session: Session, team_id: str, user_id: str, now: datetime) -> bool:
    """Whether only being a workspace admin would let this person edit. Listeners ask this
    first, then ask Slack (users.info) outside any transaction only when it matters."""
    return not may_edit(get_or_create(session, team_id, now), user_id, False)


def editable(
    session: Session, team_id: str, user_id: str, is_admin: bool, what: str, now: datetime
) -> Charter:
    """The team's charter, if this person may change `what` in it; refuses, saying who can."""
    charter = get_or_create(session, team_id, now)
    check_may_edit(charter, user_id, is_admin, what)
    return charter


def check_edit(edit: CharterEdit) -> dict[str, str]:
    errors: dict[str, str] = {}
    names = [d.name for d in edit.domains]
    for spec in edit.domains:
        if not _DOMAIN.match(spec.name):
            errors["domains"] = f"“{spec.name[:40]}” can't be a domain name; try `design`."
        elif spec.authority_id and spec.rotation_id:
            errors["domains"] = f"Give `{spec.name}` a person or a rotation, not both."
    if len(set(names)) != len(names):
        errors["domains"] = "Each domain name can appear once."
    if len(names) > MAX_DOMAINS:
        errors["domains"] = f"The charter holds at most {MAX_DOMAINS} domains."
    if edit.editors not in EDITORS:
        errors["editors"] = "Pick who may edit: admins, everyone, or these people."
    if edit.editors == "people" and not edit.editor_ids:
        errors["editors"] = "Name the people who may edit, or pick admins or everyone."
    return errors


def save(
    session: Session,
    *,
    team_id: str,
    edit: CharterEdit,
    base_version: int,
    actor_id: str,
    now: datetime,
) -> Charter:
    """Write the whole charter if nobody else saved since `base_version`."""
    errors = check_edit(edit)
    if errors:
        raise InvalidInput(errors)
    charter = get_or_create(session, team_id, now)
    bumped = session.execute(
        update(Charter)
        .where(Charter.team_id == team_id, Charter.version == base_version)
        .values(
            version=base_version + 1,
            escalation_contact=edit.escalation_contact,
            editors=edit.editors,
            editor_ids=list(edit.editor_ids),
            updated_by=actor_id,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    if bumped.rowcount != 1:
        raise NotAllowed(
            "Someone else changed the charter while you were editing it, so your changes were "
            "not saved. Close this form and run `/decide charter` again to see theirs."
        )
    session.execute(delete(CharterDomain).where(CharterDomain.team_id == team_id))
    session.execute(delete(CharterFormalLead).where(CharterFormalLead.team_id == team_id))
    for spec in edit.domains:
        session.add(CharterDomain(team_id=team_id, **spec.__dict__))
    for user_id in dict.fromkeys(edit.formal_leads):
        session.add(CharterFormalLead(team_id=team_id, user_id=user_id))
    session.flush()
    session.refresh(charter)
    detail = {
        "version": charter.version,
        "domains": [d.name for d in edit.domains],
        "escalation_contact": edit.escalation_contact,
        "editors": edit.editors,
        "formal_leads": list(edit.formal_leads),
    }
    log_change(session, team_id, "charter_saved", actor_id, now, detail)
    return charter


def bump(session: Session, charter: Charter, base_version: int, now: datetime, actor_id: str):
    """Compare-and-set the version alone, for edits of one part (values, steward)."""
    bumped = session.execute(
        update(Charter)
        .where(Charter.team_id == charter.team_id, Charter.version == base_version)
        .values(version=base_version + 1, updated_by=actor_id, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if bumped.rowcount != 1:
        raise NotAllowed(
            "Someone else changed the charter while you were editing it, so your changes were "
            "not saved. Open it again to see theirs."
        )
    session.refresh(charter)
