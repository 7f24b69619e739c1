"""Exactly one scheduler among all processes that share a PostgreSQL database.

Every process (each gunicorn worker, each `run`) starts its APScheduler *paused*: listeners can
then add jobs (poll closings, check-in crons) to the shared job table from any worker, but only
the leader runs them. A small daemon thread per process tries `pg_try_advisory_lock(LOCK_KEY)` on
a connection of its own every `retry` seconds. The lock belongs to that connection's session, so
when the leader dies (even SIGKILL) PostgreSQL drops the connection and the lock, and the next try
of another process wins. The winner resumes its scheduler and runs every sweep at once (whatever
fell due during the handover); the leader keeps checking that its connection still holds the
lock and pauses its scheduler the moment it does not. Posts stay exactly-once across an overlap
because everything posted is claimed in the ledger first (app.domain.ledger).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable

from apscheduler.schedulers.base import STATE_PAUSED, STATE_STOPPED, BaseScheduler
from sqlalchemy import Connection, Engine, text

log = logging.getLogger(__name__)

# "DEFE" in ASCII: below 2**31, so pg_locks shows it as classid 0, objid LOCK_KEY.
LOCK_KEY = 0x44454645
RETRY_SECONDS = 5.0
TRY_LOCK = text("SELECT pg_try_advisory_lock(:key)")
HOLDS_LOCK = text(
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
    " AND pid = pg_backend_pid() AND classid = 0 AND objid = :key AND objsubid = 1"
)


class Leadership:
    """Runs `scheduler` in this process only while this process holds the advisory lock."""

    def __init__(
        self,
        engine: Engine,
        scheduler: BaseScheduler,
        on_elected: Callable[[], object],
        *,
        retry: float = RETRY_SECONDS,
        key: int = LOCK_KEY,
    ) -> None:
        self._engine = engine
        self._scheduler = scheduler
        self._on_elected = on_elected
        self._retry = retry
        self._key = key
        self._connection: Connection | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="leader", daemon=True)
        self.elected = threading.Event()

    def start(self) -> Leadership:
        if self._scheduler.state == STATE_STOPPED:
            self._scheduler.start(paused=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Step down and give the lock back at once, so another process need not wait."""
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=self._retry + 5)
        self._step_down("shutting down")

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                if self.elected.is_set():
                    if not self._still_holds():
                        self._step_down("lost the scheduler lock")
                elif self._try_acquire():
                    self._take_over()
            except Exception:
                log.exception("leader election failed; retrying")
                self._step_down("leader election failed")
            self._stop.wait(self._retry)

    def _try_acquire(self) -> bool:
        if self._connection is None:
            self._connection = self._engine.connect().execution_options(
                isolation_level="AUTOCOMMIT"
            )
        got = self._connection.execute(TRY_LOCK, {"key": self._key})
        return bool(got.scalar())

    def _still_holds(self) -> bool:
        try:
            held = self._connection.execute(HOLDS_LOCK, {"key": self._key}).scalar()
        except Exception:
            log.warning("the scheduler lock's connection is gone")
            return False
        return bool(held)

    def _take_over(self) -> None:
        self.elected.set()
        log.info("this process (pid %d) now runs the scheduler", os.getpid())
        if self._scheduler.state == STATE_PAUSED:
            self._scheduler.resume()
        self._on_elected()

    def _step_down(self, why: str) -> None:
        if self.elected.is_set():
            log.warning("pid %d stops running the scheduler: %s", os.getpid(), why)
            self.elected.clear()
        if self._scheduler.state not in (STATE_STOPPED, STATE_PAUSED):
            self._scheduler.pause()
        if self._connection is not None:
            connection, self._connection = self._connection, None
            with contextlib.suppress(Exception):
                connection.invalidate()  # closes the session, and with it the lock
            with contextlib.suppress(Exception):
                connection.close()
