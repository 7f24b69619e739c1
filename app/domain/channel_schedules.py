"""A channel's check-in and retro schedules in the database: set, show, remove, disable.

Anyone in a channel may set its first schedule of a kind; from then on only the person who set
it, or a workspace admin, may change or remove it (permissions, SCHEDULE_EDIT), so a team's
retro cannot be moved or dropped quietly by whoever happens to type the command."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import ChannelSchedule
from app.domain import permissions
from app.domain.schedules import Recurrence, week_start
from app.domain.teams import get_or_create_team
from app.vocabulary import Action

CHECKIN, RETRO = "checkin", "retro"
KINDS = (CHECKIN, RETRO)
UNINSTALLED = "uninstalled"  # why a schedule was disabled: the team removed the app
WHAT = {CHECKIN: "deference check", RETRO: "retrospective"}


def check_may_change(
    row: ChannelSchedule | None, kind: str, actor_id: str, is_admin: bool = False
) -> None:
    """Refuse, naming who can, anyone but the schedule's setter or an admin."""
    subject = replace(permissions.TEAM, what=WHAT[kind], setter_id=row.created_by if row else None)
    permissions.check(Action.SCHEDULE_EDIT, permissions.Actor(actor_id, is_admin=is_admin), subject)


def recurrence(schedule: ChannelSchedule) -> Recurrence:
    return Recurrence(
        hour=schedule.hour,
        minute=schedule.minute,
        weekdays=tuple(int(d) for d in schedule.weekdays.split(",") if d),
        tz=schedule.tz,
        every_weeks=schedule.every_weeks,
        anchor=date.fromisoformat(schedule.anchor),
    )


def find(session: Session, team_id: str, channel_id: str, kind: str) -> ChannelSchedule | None:
    return session.scalars(
        select(ChannelSchedule).where(
            ChannelSchedule.team_id == team_id,
            ChannelSchedule.channel_id == channel_id,
            ChannelSchedule.kind == kind,
        )
    ).one_or_none()


def put(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    kind: str,
    rec: Recurrence,
    actor_id: str,
    now: datetime,
    is_admin: bool = False,
) -> ChannelSchedule:
    """Create or replace the channel's schedule of this kind (re-enabling a disabled one).
    The week count of `every 2w` starts from the week it is set in. Whoever changes it
    becomes the person who set it."""
    get_or_create_team(session, team_id, now)
    row = find(session, team_id, channel_id, kind)
    check_may_change(row, kind, actor_id, is_admin)
    if row is None:
        row = ChannelSchedule(team_id=team_id, channel_id=channel_id, kind=kind)
        session.add(row)
    row.hour, row.minute, row.tz = rec.hour, rec.minute, rec.tz
    row.weekdays = ",".join(str(d) for d in rec.weekdays)
    row.every_weeks = rec.every_weeks
    row.anchor = week_start(now.astimezone(rec.zone).date()).isoformat()
    row.created_by, row.updated_at, row.disabled_reason = actor_id, now, None
    session.flush()
    return row


def unchanged(row: ChannelSchedule | None, rec: Recurrence) -> bool:
    """Whether setting `rec` would leave this running schedule as it is (the same command
    delivered twice): then nobody needs to hear of it again."""
    if row is None or row.disabled_reason is not None:
        return False
    now = recurrence(row)
    return (now.hour, now.minute, now.weekdays, now.tz, now.every_weeks) == (
        rec.hour,
        rec.minute,
        rec.weekdays,
        rec.tz,
        rec.every_weeks,
    )


def remove(
    session: Session,
    team_id: str,
    channel_id: str,
    kind: str,
    actor_id: str,
    is_admin: bool = False,
) -> bool:
    row = find(session, team_id, channel_id, kind)
    if row is None:
        return False
    check_may_change(row, kind, actor_id, is_admin)
    session.delete(row)
    return True


def disable(
    session: Session, team_id: str, channel_id: str, kind: str, reason: str, now: datetime
) -> None:
    row = find(session, team_id, channel_id, kind)
    if row is not None:
        row.disabled_reason, row.updated_at = reason, now


def active(session: Session, kind: str) -> list[ChannelSchedule]:
    """Every enabled schedule of `kind`, across teams: the sweep acts for no one team, and
    each schedule is then posted under its own team."""
    return list(
        session.scalars(
            select(ChannelSchedule)
            .where(ChannelSchedule.kind == kind, ChannelSchedule.disabled_reason.is_(None))
            .order_by(ChannelSchedule.id)
        )
    )


def disable_team(
    session: Session, team_id: str, reason: str, now: datetime
) -> list[tuple[str, str]]:
    """Disable every enabled schedule of a team (it uninstalled the app): the rows stay, so a
    reinstall can show what was set. Returns (kind, channel) of each one newly disabled."""
    rows = session.scalars(
        select(ChannelSchedule).where(
            ChannelSchedule.team_id == team_id, ChannelSchedule.disabled_reason.is_(None)
        )
    ).all()
    for row in rows:
        row.disabled_reason, row.updated_at = reason, now
    return [(row.kind, row.channel_id) for row in rows]
