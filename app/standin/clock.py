"""A manual clock for the stand-in and the workspace.

Why: trigger ids (3 s), response URLs (30 min) and request signatures (5 min) all expire;
tests move time forward explicitly instead of sleeping.
"""

from __future__ import annotations

import threading


class ManualClock:
    """Callable returning epoch seconds; only ``advance``/``set`` move it."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> float:
        with self._lock:
            self._now += seconds
            return self._now

    def set(self, now: float) -> None:
        with self._lock:
            self._now = now
