"""Rotation arithmetic. Pure: a plan and a local date in, who leads out.

Everything is counted in whole local days of the rotation's own zone, so a daylight-saving
change cannot move a handoff: turn k covers the days start + k*period .. start + (k+1)*period - 1
and the handoff happens at local midnight.

Adjustments are dated (they apply from their `effective` day onward), so an adjustment never
rewrites who led in the past, and a change of lead shows up as a difference between two days:

- skip: from that day, the order moves on by one (the skipped person's turn ends now);
- swap a b: from that day, a and b exchange places in the order;
- away x until d: on days from `effective` to d (exclusive) x is passed over in favour of the
  next member who is not away; x is back on d. If everyone is away, the scheduled lead stays.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from app.domain.errors import InvalidInput, Person

MAX_MEMBERS = 20
MAX_DAYS = 26 * 7
_EVERY = re.compile(r"^(\d{1,3})([dw])$")
EVERY_EXAMPLE = "`every 1w`, `every 2w` or `every 10d`"


@dataclass(frozen=True)
class Change:
    kind: str  # skip | swap | away
    effective: date
    user: str | None = None
    other: str | None = None
    until: date | None = None


@dataclass(frozen=True)
class Plan:
    members: tuple[str, ...]
    start: date
    period_days: int
    changes: tuple[Change, ...] = field(default_factory=tuple)


def local_day(moment: datetime, tz: str) -> date:
    return moment.astimezone(ZoneInfo(tz)).date()


def parse_every(text: str) -> int:
    """`1w`, `2w`, `10d` -> days. A period shorter than a day or longer than 26 weeks is refused."""
    match = _EVERY.match(text.strip().lower())
    days = 0
    if match:
        days = int(match.group(1)) * (7 if match.group(2) == "w" else 1)
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(
            {"every": f"“{text}” is not a period I can rotate by; try {EVERY_EXAMPLE}."}
        )
    return days


def check_members(members: list[str]) -> None:
    if len(members) < 2:
        raise InvalidInput({"members": "A rotation needs at least two people."})
    if len(set(members)) != len(members):
        twice = next(m for m in members if members.count(m) > 1)
        raise InvalidInput(
            {"members": "{twice} is named twice; name each person once."}, twice=Person(twice)
        )
    if len(members) > MAX_MEMBERS:
        raise InvalidInput({"members": f"A rotation can have at most {MAX_MEMBERS} people."})


def turn(plan: Plan, day: date) -> int:
    """The turn number `day` falls in; negative before the rotation starts."""
    return (day - plan.start).days // plan.period_days


def order_on(plan: Plan, day: date) -> list[str]:
    order = list(plan.members)
    for change in plan.changes:
        swapped = change.kind == "swap" and change.effective <= day
        if swapped and change.user in order and change.other in order:
            i, j = order.index(change.user), order.index(change.other)
            order[i], order[j] = order[j], order[i]
    return order


def away_on(plan: Plan, day: date) -> set[str]:
    return {
        c.user
        for c in plan.changes
        if c.kind == "away" and c.user and c.effective <= day and c.until and day < c.until
    }


def lead_on(plan: Plan, day: date) -> str:
    """Who leads on local `day` (the first lead when the rotation has not started yet)."""
    order = order_on(plan, day)
    skips = sum(1 for c in plan.changes if c.kind == "skip" and c.effective <= day)
    base = (max(turn(plan, day), 0) + skips) % len(order)
    away = away_on(plan, day)
    for step in range(len(order)):
        person = order[(base + step) % len(order)]
        if person not in away:
            return person
    return order[base]


def next_handoff(plan: Plan, day: date) -> date:
    """The first day of the turn after `day`'s (the rotation's start, before it starts)."""
    if day < plan.start:
        return plan.start
    return plan.start + timedelta(days=(turn(plan, day) + 1) * plan.period_days)


def next_lead(plan: Plan, day: date) -> tuple[str, date]:
    """Who takes over at the next scheduled handoff, and on which day."""
    when = next_handoff(plan, day)
    return lead_on(plan, when), when


def latest_change(plan: Plan, day: date, since: date) -> date | None:
    """The most recent day in (since, day] on which the lead changed, or None. Looks back at
    most one period, so a bot that was down for a week announces only the latest handoff."""
    lookback = max(plan.period_days, 1) + 1
    first = max(since + timedelta(days=1), day - timedelta(days=lookback))
    current = day
    while current >= first:
        if current == plan.start or lead_on(plan, current) != lead_on(
            plan, current - timedelta(days=1)
        ):
            return current
        current -= timedelta(days=1)
    return None


def previous_lead(plan: Plan, day: date) -> str | None:
    """Who led the day before `day` (None on the first day of the rotation)."""
    return None if day <= plan.start else lead_on(plan, day - timedelta(days=1))


@dataclass(frozen=True)
class Handoff:
    """The latest change of lead on a day, as announced: `occurrence` keys it in the ledger (the
    day itself for a scheduled handoff, "day#n" after the n-th adjustment made that day, so a
    skip after the midnight handoff is announced too, and a second process announces neither
    twice); `outgoing` is who led just before it (None on the rotation's first day)."""

    occurrence: str
    outgoing: str | None
    incoming: str

    @property
    def changed(self) -> bool:
        return self.outgoing != self.incoming


def handoff_on(plan: Plan, day: date) -> Handoff:
    """Who handed over to whom on `day`, by the latest thing that changed the lead that day."""
    incoming = lead_on(plan, day)
    today = [i for i, c in enumerate(plan.changes) if c.effective == day]
    if not today:
        return Handoff(day.isoformat(), previous_lead(plan, day), incoming)
    last = today[-1]
    before = replace(plan, changes=tuple(c for i, c in enumerate(plan.changes) if i != last))
    return Handoff(f"{day.isoformat()}#{len(today)}", lead_on(before, day), incoming)
