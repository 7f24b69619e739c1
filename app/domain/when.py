"""When a poll closes: `30m`, `2h`, `1d`, `tomorrow 10:00`, `today 17:30`, `10:00`.

Pure: parsing only checks the shape (so a command can be refused before anything happens);
resolving needs "now" and the opener's Slack time zone, because "tomorrow 10:00" means ten in
the morning where that person is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.domain.errors import InvalidInput

DEFAULT = timedelta(hours=24)
SHORTEST = timedelta(minutes=5)
LONGEST = timedelta(days=14)
EXAMPLES = "`30m`, `2h`, `tomorrow 10:00`"
_DELAY = re.compile(r"^(\d{1,4})\s*(m|min|mins|minutes?|h|hrs?|hours?|d|days?)$")
_AT = re.compile(r"^(?:(today|tomorrow)\s+)?(\d{1,2}):(\d{2})$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


@dataclass(frozen=True)
class Delay:
    delta: timedelta


@dataclass(frozen=True)
class At:
    """A wall-clock time; `day` None means the next time the clock shows it."""

    hour: int
    minute: int
    day: str | None = None


Spec = Delay | At


def parse(text: str) -> Spec:
    """The shape of a closing time, or InvalidInput naming the accepted forms."""
    words = " ".join(text.lower().split())
    if match := _DELAY.match(words):
        amount, unit = int(match.group(1)), _UNITS[match.group(2)[0]]
        return Delay(timedelta(**{unit: amount}))
    if (match := _AT.match(words)) and int(match.group(2)) < 24 and int(match.group(3)) < 60:
        return At(int(match.group(2)), int(match.group(3)), match.group(1))
    raise InvalidInput({"closes": f"I can't read “{text}” as a closing time; try {EXAMPLES}."})


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def resolve(spec: Spec, now: datetime, tz_name: str | None = None) -> datetime:
    """The aware UTC moment `spec` means for someone in `tz_name`, checked against limits."""
    if isinstance(spec, Delay):
        moment = now + spec.delta
    else:
        local = now.astimezone(zone(tz_name))
        day = local.date() + timedelta(days=1 if spec.day == "tomorrow" else 0)
        wall = datetime(day.year, day.month, day.day, spec.hour, spec.minute, tzinfo=local.tzinfo)
        if spec.day is None and wall <= local:
            wall += timedelta(days=1)
        moment = wall.astimezone(UTC)
    if moment - now < SHORTEST:
        raise InvalidInput({"closes": "That is too soon; give people at least 5 minutes."})
    if moment - now > LONGEST:
        raise InvalidInput({"closes": "Close the poll within 14 days; decisions should not wait."})
    return moment.astimezone(UTC)
