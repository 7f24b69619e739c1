"""The console's clock: `wait` and `at` move it, and what falls due on the way is shown at
the moment it ran."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from app.console.world import Change, World

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Timekeeping:
    """The clock half of the console (mixed into Console, which provides these)."""

    world: World
    user: str
    say_line: Callable[[str], None]
    problem: Callable[[str], None]
    show_all: Callable[[list[Change]], None]

    def clock_line(self) -> str:
        local = self.world.clock.now().astimezone(ZoneInfo(self.world.tz(self.user)))
        return local.strftime("%a %d %b %Y %H:%M ") + self.world.tz(self.user)

    def wait(self, rest: str) -> None:
        match = re.fullmatch(r"(\d+)\s*(m|h|d)", rest.strip())
        if not match:
            self.problem("usage: wait 30m, wait 2h or wait 1d")
            return
        unit = {"m": "minutes", "h": "hours", "d": "days"}[match.group(2)]
        self.move_clock(timedelta(**{unit: int(match.group(1))}))

    def at(self, rest: str) -> None:
        match = re.fullmatch(r"(\d{1,2}):(\d{2})(?:\s+(\w{3}))?", rest.strip().lower())
        if (
            not match
            or int(match.group(1)) > 23
            or int(match.group(2)) > 59
            or (match.group(3) and match.group(3) not in DAYS)
        ):
            self.problem("usage: at 09:30, or at 09:30 mon")
            return
        tz = ZoneInfo(self.world.tz(self.user))
        now = self.world.clock.now().astimezone(tz)
        target = now.replace(
            hour=int(match.group(1)), minute=int(match.group(2)), second=0, microsecond=0
        )
        while target <= now or (match.group(3) and DAYS[target.weekday()] != match.group(3)):
            target = (target + timedelta(days=1)).replace(hour=int(match.group(1)))
        self.move_clock(target - now)

    def move_clock(self, delta: timedelta) -> None:
        """Advance, showing what ran at each moment on the way with that moment's time."""

        said_at = []

        def stopped() -> None:
            changes = self.world.changes()
            if changes:
                said_at.append(self.world.clock.now())
                self.say_line(f"  ⏩ {self.clock_line()}")
            self.show_all(changes)

        self.world.advance(delta, stopped)
        changes = self.world.changes()
        if changes or said_at[-1:] != [self.world.clock.now()]:
            self.say_line(f"  ⏩ {self.clock_line()}")
        self.show_all(changes)
