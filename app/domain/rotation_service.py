"""Rotations in the database: creating, adjusting, reading who leads, and handoffs due.

The lead is never stored; it is computed (app.domain.rotations) from the row and its dated
changes whenever it is needed, so there is no job to keep it current and nothing goes stale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Decision, Rotation, RotationChange
from app.domain import charter as charters
from app.domain import decisions, rotations
from app.domain.errors import InvalidInput, NotFound, Person, UserText
from app.domain.teams import get_or_create_team
from app.vocabulary import Framework

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
KIND = "handoff"


def check_name(name: str) -> str:
    name = name.strip().lower()
    if not _NAME.match(name):
        raise InvalidInput(
            {"name": f"“{name[:40]}” can't be a rotation name: use letters, digits, - or _."}
        )
    return name


def plan_of(session: Session, rotation: Rotation) -> rotations.Plan:
    rows = session.scalars(
        select(RotationChange)
        .where(
            RotationChange.team_id == rotation.team_id,
            RotationChange.rotation_id == rotation.id,
        )
        .order_by(RotationChange.id)
    )
    changes = tuple(
        rotations.Change(
            kind=r.kind,
            effective=date.fromisoformat(r.effective),
            user=r.user_id,
            other=r.other_id,
            until=date.fromisoformat(r.until) if r.until else None,
        )
        for r in rows
    )
    return rotations.Plan(
        members=tuple(rotation.members),
        start=date.fromisoformat(rotation.start_date),
        period_days=rotation.period_days,
        changes=changes,
    )


def put(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    name: str,
    members: list[str],
    period_days: int,
    start: date | None,
    tz: str,
    actor_id: str,
    now: datetime,
) -> tuple[Rotation, bool]:
    """Create a rotation, or redefine the one with this name here. Returns (row, created)."""
    name = check_name(name)
    rotations.check_members(members)
    get_or_create_team(session, team_id, now)
    start = start or rotations.local_day(now, tz)
    row = find(session, team_id, channel_id, name)
    created = row is None
    if row is None:
        row = Rotation(team_id=team_id, channel_id=channel_id, name=name, created_by=actor_id)
        session.add(row)
    row.members, row.period_days, row.start_date, row.tz = (
        members,
        period_days,
        start.isoformat(),
        tz,
    )
    row.created_at = now
    session.flush()
    detail = {"rotation": name, "channel": channel_id, "members": members, "days": period_days}
    charters.log_change(session, team_id, "rotation_set", actor_id, now, detail)
    return row, created


def find(session: Session, team_id: str, channel_id: str, name: str) -> Rotation | None:
    return session.scalars(
        select(Rotation).where(
            Rotation.team_id == team_id, Rotation.channel_id == channel_id, Rotation.name == name
        )
    ).one_or_none()


def get(session: Session, team_id: str, channel_id: str, name: str) -> Rotation:
    row = find(session, team_id, channel_id, name.strip().lower())
    if row is None:
        known = ", ".join(f"`{r.name}`" for r in in_channel(session, team_id, channel_id))
        hint = f" Rotations here: {known}." if known else " There are no rotations here yet."
        raise NotFound(f"There is no rotation called “{name[:40]}” in this channel.{hint}")
    return row


def get_or_only(session: Session, team_id: str, channel_id: str, name: str | None) -> Rotation:
    """The rotation named here, or, with no name, the channel's only one."""
    if name is not None:
        return get(session, team_id, channel_id, name)
    found = in_channel(session, team_id, channel_id)
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFound("There are no rotations in this channel yet.")
    known = ", ".join(f"`{r.name}`" for r in found)
    raise InvalidInput(
        {
            "name": f"This channel has several rotations ({known}); say which one, e.g. "
            f"`/decide rotation {found[0].name} skip`."
        }
    )


def find_by_id(session: Session, team_id: str, rotation_id: int) -> Rotation | None:
    return session.scalars(
        select(Rotation).where(Rotation.team_id == team_id, Rotation.id == rotation_id)
    ).one_or_none()


def in_channel(session: Session, team_id: str, channel_id: str) -> list[Rotation]:
    return list(
        session.scalars(
            select(Rotation)
            .where(Rotation.team_id == team_id, Rotation.channel_id == channel_id)
            .order_by(Rotation.id)
        )
    )


def in_team(session: Session, team_id: str) -> list[Rotation]:
    return list(
        session.scalars(select(Rotation).where(Rotation.team_id == team_id).order_by(Rotation.name))
    )


def lead_now(session: Session, rotation: Rotation, now: datetime) -> str:
    return rotations.lead_on(plan_of(session, rotation), rotations.local_day(now, rotation.tz))


def channel_lead(session: Session, team_id: str, channel_id: str, now: datetime) -> str | None:
    """The current lead of the channel's first rotation, or None when it has none."""
    found = in_channel(session, team_id, channel_id)
    return lead_now(session, found[0], now) if found else None


def adjust(
    session: Session,
    rotation: Rotation,
    *,
    kind: str,
    actor_id: str,
    now: datetime,
    user: str | None = None,
    other: str | None = None,
    until: date | None = None,
) -> str:
    """Record a skip, swap or away from today; returns who leads today afterwards."""
    today = rotations.local_day(now, rotation.tz)
    for person in (user, other):
        if person is not None and person not in rotation.members:
            raise InvalidInput(
                {"member": "{person} is not in the `{rotation}` rotation."},
                person=Person(person),
                rotation=UserText(rotation.name),
            )
    if kind == "swap" and user == other:
        raise InvalidInput({"member": "Name two different people to swap."})
    if kind == "away" and (until is None or until <= today):
        raise InvalidInput({"until": "The date they are back must be after today."})
    session.add(
        RotationChange(
            team_id=rotation.team_id,
            rotation_id=rotation.id,
            kind=kind,
            effective=today.isoformat(),
            user_id=user,
            other_id=other,
            until=until.isoformat() if until else None,
            actor_id=actor_id,
            at=now,
        )
    )
    session.flush()
    detail = {"rotation": rotation.name, "user": user, "other": other}
    detail["until"] = until.isoformat() if until else None
    charters.log_change(session, rotation.team_id, f"rotation_{kind}", actor_id, now, detail)
    return lead_now(session, rotation, now)


@dataclass(frozen=True)
class Adjusted:
    """A skip, swap or away just recorded, and the handoff it made today (if any)."""

    rotation_id: int
    name: str
    channel_id: str
    day: date
    handoff: rotations.Handoff


def adjust_now(
    session: Session,
    rotation: Rotation,
    *,
    kind: str,
    actor_id: str,
    now: datetime,
    user: str | None = None,
    other: str | None = None,
    until: date | None = None,
) -> Adjusted:
    """Record the adjustment and, when it changed who leads today, hand the outgoing lead's
    open rotating decisions to the incoming one at once: the channel hears of it the same day,
    with the same ledger key the handoff sweep would use."""
    adjust(
        session,
        rotation,
        kind=kind,
        actor_id=actor_id,
        now=now,
        user=user,
        other=other,
        until=until,
    )
    today = rotations.local_day(now, rotation.tz)
    handoff = rotations.handoff_on(plan_of(session, rotation), today)
    if handoff.changed:
        inherit(
            session, rotation, today, handoff.outgoing, handoff.incoming, now, handoff.occurrence
        )
    return Adjusted(rotation.id, rotation.name, rotation.channel_id, today, handoff)


def due_handoffs(session: Session, now: datetime) -> list[tuple[str, int, date]]:
    """(team, rotation, day) of the latest lead change of each rotation since it was set."""
    due = []
    for rotation in session.scalars(select(Rotation).order_by(Rotation.id)):
        since = rotations.local_day(rotation.created_at, rotation.tz)
        day = rotations.latest_change(
            plan_of(session, rotation), rotations.local_day(now, rotation.tz), since
        )
        if day is not None:
            due.append((rotation.team_id, rotation.id, day))
    return due


def held_by(session: Session, rotation: Rotation, lead: str) -> list[Decision]:
    """Open rotating decisions in the rotation's channel that `lead` holds."""
    return [d for d in _rotating(session, rotation) if d.decider_id == lead]


def inherit(
    session: Session,
    rotation: Rotation,
    day: date,
    outgoing: str | None,
    incoming: str,
    now,
    occurrence: str | None = None,
) -> None:
    """Hand the outgoing lead's open rotating decisions in the channel to the incoming lead,
    once per handoff (`occurrence`, app.domain.rotations.Handoff): the event key makes a
    second run change nothing."""
    if outgoing is None or outgoing == incoming:
        return
    for decision in _rotating(session, rotation):
        key = f"handoff:{rotation.id}:{occurrence or day.isoformat()}:{decision.id}"
        if decision.decider_id != outgoing or decisions.event_exists(
            session, rotation.team_id, key
        ):
            continue
        decisions.set_decider(
            session,
            decision,
            incoming,
            actor_id=outgoing,
            now=now,
            via={"via": "rotation", "rotation": rotation.name},
            idempotency_key=key,
            yielded=False,  # the rotation's rule chose, not the outgoing lead
        )


def _rotating(session: Session, rotation: Rotation) -> list[Decision]:
    return list(
        session.scalars(
            select(Decision)
            .where(
                Decision.team_id == rotation.team_id,
                Decision.channel_id == rotation.channel_id,
                Decision.status.in_(decisions.RESOLVABLE),
                Decision.framework == Framework.ROTATING,
            )
            .order_by(Decision.id)
        )
    )
