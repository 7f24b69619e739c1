"""Recurring local times: `09:30`, `mon-fri`, `Europe/Berlin`, `every 2w`. Pure.

Every slot is computed as a wall-clock time in the schedule's own zoneinfo and only then turned
into UTC, so "09:30 in Berlin" is 08:30 UTC in winter and 07:30 UTC in summer. A wall time that
does not exist on a spring-forward day is read with fold=0 (it lands an hour later on the
clock); an ambiguous one on a fall-back day is the first of the two.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from app.domain.errors import InvalidInput

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_LONG = {d: i for i, d in enumerate(DAYS)} | {
    name: i
    for i, name in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )
}
NAMED = {"daily": tuple(range(7)), "weekdays": tuple(range(5)), "weekends": (5, 6)}
EVERY = (1, 2, 4)
_TIME = re.compile(r"^(\d{1,2})[:.h](\d{2})$")
_TWELVE_HOUR = re.compile(r"^(\d{1,2})(?:[:.h](\d{2}))?(am|pm)$")
_BARE_TIME = re.compile(r"^(\d{1,2})([0-5]\d)?$")
TIME_EXAMPLE = "`09:30`"
DAYS_EXAMPLE = "`mon-fri`, `mon,wed,fri`, `weekdays` or `daily`"
TZ_EXAMPLE = "`Europe/Berlin` or `America/New_York`"


@dataclass(frozen=True)
class Recurrence:
    """When a schedule fires: a local time on some weekdays, every `every_weeks` weeks counted
    from the Monday `anchor`."""

    hour: int
    minute: int
    weekdays: tuple[int, ...]
    tz: str
    every_weeks: int = 1
    anchor: date = date(2024, 1, 1)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)


def parse_time(text: str) -> tuple[int, int]:
    match = _TIME.match(text.strip().lower())
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        guess = _guess_time(text)
        hint = f"did you mean `{guess}`?" if guess else f"try {TIME_EXAMPLE}."
        raise InvalidInput({"time": f"I can't read “{text}” as a time of day; {hint}"})
    return int(match.group(1)), int(match.group(2))


def _guess_time(text: str) -> str | None:
    """`9am` -> 09:00, `4.30pm` -> 16:30, `930` -> 09:30: what a 24-hour time probably meant."""
    typed = text.strip().lower().replace(" ", "")
    if match := _TWELVE_HOUR.match(typed):
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if 1 <= hour <= 12 and minute <= 59:
            hour = hour % 12 + (12 if match.group(3) == "pm" else 0)
            return f"{hour:02d}:{minute:02d}"
    if (match := _BARE_TIME.match(typed)) and int(match.group(1)) <= 23:
        return f"{int(match.group(1)):02d}:{match.group(2) or '00'}"
    return None


def parse_weekdays(text: str) -> tuple[int, ...]:
    """`mon-fri`, `mon,wed,fri`, `weekdays`, `daily`, `fri`: Monday is 0."""
    words = text.strip().lower()
    if words in NAMED:
        return NAMED[words]
    days: set[int] = set()
    for part in words.split(","):
        first, dash, last = part.strip().partition("-")
        if first not in _LONG or (dash and last not in _LONG):
            wrong = last if first in _LONG else first
            close = difflib.get_close_matches(wrong, [*_LONG, *NAMED], n=1, cutoff=0.6)
            hint = f"did you mean `{close[0]}`? Or" if close else ""
            raise InvalidInput(
                {"weekdays": f"I can't read “{text}” as weekdays; {hint} try {DAYS_EXAMPLE}."}
            )
        start, end = _LONG[first], _LONG[last] if dash else _LONG[first]
        days.update(range(start, end + 1) if start <= end else [*range(start, 7), *range(end + 1)])
    return tuple(sorted(days))


def parse_tz(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        close = _close_zone(name)
        hint = f"did you mean `{close}`?" if close else f"use a name such as {TZ_EXAMPLE}."
        raise InvalidInput({"tz": f"“{name}” is not a time zone I know; {hint}"}) from None
    return name


def _close_zone(name: str) -> str | None:
    """The IANA zone a misspelt name most likely meant (`Europe/Berln` -> `Europe/Berlin`)."""
    zones = {zone.lower(): zone for zone in available_timezones()}
    close = difflib.get_close_matches(name.lower(), zones, n=1, cutoff=0.8)
    return zones[close[0]] if close else None


def parse_every(text: str) -> int:
    value = text.strip().lower().removesuffix("w").removesuffix("weeks").removesuffix("week")
    if not value.isdigit() or int(value) not in EVERY:
        raise InvalidInput({"every": f"Retros run every `1w`, `2w` or `4w`, not “{text}”."})
    return int(value)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def describe_days(weekdays: tuple[int, ...]) -> str:
    for name, days in NAMED.items():
        if tuple(weekdays) == days:
            return name
    return ",".join(DAYS[d] for d in weekdays)


def slot_on(rec: Recurrence, day: date) -> datetime | None:
    """The UTC moment of the slot on local `day`, or None when the schedule skips that day."""
    if day.weekday() not in rec.weekdays:
        return None
    if ((week_start(day) - rec.anchor).days // 7) % rec.every_weeks:
        return None
    wall = datetime(day.year, day.month, day.day, rec.hour, rec.minute, tzinfo=rec.zone)
    return wall.astimezone(UTC)


def latest_occurrence(rec: Recurrence, now: datetime) -> datetime | None:
    """The last slot at or before `now` within the past 5 weeks (None if there is none)."""
    today = now.astimezone(rec.zone).date()
    for back in range(36):
        slot = slot_on(rec, today - timedelta(days=back))
        if slot is not None and slot <= now:
            return slot
    return None


def next_occurrence(rec: Recurrence, now: datetime) -> datetime | None:
    """The first slot strictly after `now` within the next 5 weeks."""
    today = now.astimezone(rec.zone).date()
    for ahead in range(36):
        slot = slot_on(rec, today + timedelta(days=ahead))
        if slot is not None and slot > now:
            return slot
    return None


def previous_occurrence(rec: Recurrence, slot: datetime) -> datetime | None:
    """The slot before `slot`: where "since the last retro" begins."""
    return latest_occurrence(rec, slot - timedelta(seconds=1))
