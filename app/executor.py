"""The thread pool Bolt runs listeners on after ack(), able to say when it has gone idle.

Tests and the offline console need to know that the bot has finished reacting to a request
(posted its card, committed its rows) before they look; waiting on this pool's own bookkeeping
is exact, where sleeping or polling would only be likely.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any


class TrackedExecutor(ThreadPoolExecutor):
    def __init__(self, max_workers: int = 16) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="listener")
        self._pending = 0
        self._idle = threading.Condition()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        with self._idle:
            self._pending += 1

        def tracked() -> Any:
            try:
                return fn(*args, **kwargs)
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()

        return super().submit(tracked)

    def wait_idle(self, timeout: float = 10.0) -> None:
        """Block until every submitted listener has returned; TimeoutError if it takes longer."""
        with self._idle:
            if not self._idle.wait_for(lambda: self._pending == 0, timeout):
                raise TimeoutError(f"{self._pending} listener(s) still running after {timeout}s")
