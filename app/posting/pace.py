"""Client-side pacing of posts to a workspace's rate, so a sweep does not provoke 429s.

Why: a thousand check-ins due at one minute, posted by several threads at once, burst past
Slack's workspace-wide limit on chat.postMessage; each 429 then costs its thread a whole second
of Retry-After. Spacing the posts at the allowed rate is faster than being told to wait.
slack_sdk's RateLimitErrorRetryHandler still handles the 429s that come anyway (other posts
from the same workspace, a lower limit than configured).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

# Pace a little under the configured rate: threads and the network bunch posts up, and at
# exactly the limit some one-second windows would hold one post too many (a 429 each).
HEADROOM = 0.95


class Pacer:
    """A token bucket shared by threads: at most `rate` passes per second after a first
    `burst`. Each caller reserves its slot under the lock and waits outside it."""

    def __init__(
        self,
        rate: float,
        burst: int = 1,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self.interval = 1.0 / rate
        self.burst = burst
        self._clock = clock
        self._sleep = sleep
        self._next: float | None = None  # when the bucket is next empty (theoretical arrival)
        self._lock = threading.Lock()

    def reserve(self) -> float:
        """Take a slot; the seconds to wait before using it (0 when it is free now)."""
        with self._lock:
            now = self._clock()
            due = now if self._next is None else max(self._next, now)
            self._next = due + self.interval
            return max(0.0, due - (self.burst - 1) * self.interval - now)

    def wait(self) -> None:
        """Block until this caller may post."""
        delay = self.reserve()
        if delay > 0:
            self._sleep(delay)


class TeamPacers:
    """One Pacer per workspace: Slack counts the rate per team, not per app."""

    def __init__(self, rate: float, burst: int = 1, **kwargs) -> None:
        self._make = lambda: Pacer(rate, burst, **kwargs)
        self._pacers: dict[str, Pacer] = {}
        self._lock = threading.Lock()

    def for_team(self, team_id: str) -> Pacer:
        with self._lock:
            if team_id not in self._pacers:
                self._pacers[team_id] = self._make()
            return self._pacers[team_id]
