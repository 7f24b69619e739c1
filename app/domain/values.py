"""Team values, each with principles, kept on the charter row; a decision cites one principle.

A principle is addressed by its position ("2.1": the first principle of the second value) in
select menus, and stored on the decision as its text, so later edits never rewrite history.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Charter
from app.domain import charter as charters
from app.domain.errors import InvalidInput

MIN_VALUES, MAX_VALUES = 3, 5
MIN_PRINCIPLES, MAX_PRINCIPLES = 2, 3
NAME_MAX, PRINCIPLE_MAX = 60, 150
EXAMPLE = "“Ownership” with the principles “Whoever is closest decides” and “Say why”"


def check(values: list[dict]) -> list[dict]:
    """Cleaned values, or InvalidInput saying what is wrong (with an example). Its keys name
    where: ``"values"`` for how many, ``"<i>.name"`` / ``"<i>.principles"`` for the i-th value
    as given (0-based, blanks counted), so a form can flag the very field."""
    given = [
        (i, v) for i, v in enumerate(values) if v.get("name", "").strip() or v.get("principles")
    ]
    if not MIN_VALUES <= len(given) <= MAX_VALUES:
        raise InvalidInput(
            {"values": f"Write {MIN_VALUES} to {MAX_VALUES} values (you wrote {len(given)})."}
        )
    cleaned, errors = [], {}
    for i, value in given:
        name = " ".join(value.get("name", "").split())
        principles = [" ".join(p.split()) for p in value.get("principles", []) if p.strip()]
        if not name or len(name) > NAME_MAX:
            errors[f"{i}.name"] = f"Give each value a name of 1-{NAME_MAX} characters."
        if not MIN_PRINCIPLES <= len(principles) <= MAX_PRINCIPLES:
            errors[f"{i}.principles"] = (
                f"“{name or f'Value {i + 1}'}” needs {MIN_PRINCIPLES} or {MAX_PRINCIPLES} "
                f"principles, one per line; for example {EXAMPLE}."
            )
        elif any(len(p) > PRINCIPLE_MAX for p in principles):
            errors[f"{i}.principles"] = f"Keep each principle to {PRINCIPLE_MAX} characters."
        cleaned.append({"name": name, "principles": principles})
    if errors:
        raise InvalidInput(errors)
    return cleaned


def save(
    session: Session,
    *,
    team_id: str,
    values: list[dict],
    base_version: int,
    actor_id: str,
    now: datetime,
) -> Charter:
    cleaned = check(values)
    charter = charters.get_or_create(session, team_id, now)
    charters.bump(session, charter, base_version, now, actor_id)
    charter.values = cleaned
    session.flush()
    charters.log_change(session, team_id, "values_saved", actor_id, now, {"values": cleaned})
    return charter


def principles(charter: Charter) -> list[tuple[str, str]]:
    """(key, "Value: principle") for every principle, in order."""
    return [
        (f"{i}.{j}", f"{value['name']}: {principle}")
        for i, value in enumerate(charter.values or [], start=1)
        for j, principle in enumerate(value.get("principles", []), start=1)
    ]


def principle_text(charter: Charter, key: str | None) -> str | None:
    if not key:
        return None
    found = dict(principles(charter)).get(key)
    if found is None:
        raise InvalidInput({"principle": "That principle is no longer in the charter; pick again."})
    return found[:200]


def _charter_if_any(session: Session, team_id: str) -> Charter | None:
    return session.scalars(select(Charter).where(Charter.team_id == team_id)).one_or_none()


def team_principles(session: Session, team_id: str) -> list[tuple[str, str]]:
    """The team's principles as (key, text), or none before it has a charter (read only)."""
    found = _charter_if_any(session, team_id)
    return principles(found) if found else []


def cited_principle(session: Session, team_id: str, key: str | None) -> str | None:
    """The text of the principle a form cited by its key; None when none was picked."""
    if key is None:
        return None
    found = _charter_if_any(session, team_id)
    return principle_text(found, key) if found else None
