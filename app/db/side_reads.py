"""Side reads: a request's independent read-only queries run at once, each on a connection of
its own, so `/decide stats` and Home wait about as long as their longest query rather than the
sum of them (issue 19: at a million decisions the figures are seven statements of 9 to 60 ms).

`SideReads` owns a thread pool and its OWN engine (a pool of as many connections as threads),
built from the same URL as the request engine. It must not borrow the request engine: a request
thread holds its connection while it waits for its side reads, so with every request connection
held by such threads, side reads waiting for a request connection would never get one. With a
pool of their own, a side read has a connection as soon as it has a thread. Side reads are
leaves: one never starts another side read nor waits on anything a caller holds (a lock, the
team cache), so every side read that starts finishes.

Each side read opens a session on that engine, runs one domain read, and closes it. Its
connections are read only (PostgreSQL refuses a write in them), so a side read cannot change
anything the caller's transaction commits. The answers are the ones the caller's own session
would have read: under READ COMMITTED (PostgreSQL's default, which the app keeps) every
statement reads a snapshot of its own, taken when it starts, so figures read one statement after
another in one session were never one consistent picture either; run side by side they are no
weaker. Side reads see committed data only: a caller that has written and not yet committed
must read what it wrote in its own session.

`beside(side, session, read, *args)` is the one door the domain uses. With no SideReads (SQLite,
for which `side_reads_for` gives none; tests that build none) or once it is shut down, the read
runs at once in the caller's session, as before. A side read still queued when the caller asks
for its answer (the side threads busy with other requests' reads) is taken back and done by the
caller in its own session: a caller never waits in a queue it could have read through itself.

Built by the composition root (app.wiring) and closed with the app; nothing connects until the
first side read.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.db.engine import make_engine, make_session_factory

T = TypeVar("T")
SIDE_THREADS = 4  # beside the request's own thread: five streams, as the prototype measured


class SideReads:
    """The side threads and their read-only engine; `beside` is how the domain uses them."""

    def __init__(self, url: str, threads: int = SIDE_THREADS) -> None:
        if url.startswith("sqlite"):
            raise ValueError("side reads are for PostgreSQL (side_reads_for gives SQLite none)")
        self._bound = make_engine(url, pool_size=threads)
        self.engine: Engine = self._bound.execution_options(postgresql_readonly=True)
        self._sessions = make_session_factory(self.engine)
        self._threads = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="side-read")
        self._lock = threading.Lock()
        self._closed = False

    def submit(self, read: Callable[..., T], *args: Any) -> Future[T] | None:
        """Start `read(session, *args)` in a session of its own; None once shut down (the
        caller then reads in its own session). The future raises what the read raised."""
        with self._lock:
            if self._closed:
                return None
            try:
                return self._threads.submit(self._run, read, args)
            except RuntimeError:  # the interpreter is exiting: no new threads
                return None

    def _run(self, read: Callable[..., T], args: tuple) -> T:
        with self._sessions() as session:
            return read(session, *args)

    def close(self) -> None:
        """Refuse new side reads, let those started finish, then close the connections."""
        with self._lock:
            self._closed = True
        self._threads.shutdown(wait=True)
        self._bound.dispose()


def side_reads_for(url: str, threads: int = SIDE_THREADS) -> SideReads | None:
    """Side reads for the database `url` names, on PostgreSQL only. On SQLite, None: it serves
    a small team from one process, where these reads take milliseconds one after another."""
    return SideReads(url, threads) if url.startswith("postgresql") else None


def beside(
    side: SideReads | None, session: Session, read: Callable[..., T], *args: Any
) -> Callable[[], T]:
    """`read(session, *args)` started on a side session, or done now in `session` without side
    reads (or once they are shut down). Call what this returns for the result: it waits for a
    side read and raises what the read raised; one no side thread has started yet is done in
    `session` instead. Asking for results in the reverse order of starting them takes back
    the likeliest first."""
    future = side.submit(read, *args) if side is not None else None
    if future is None:
        done = read(session, *args)
        return lambda: done

    def result() -> T:
        if future.cancel():  # still queued: no side thread will run it now
            return read(session, *args)
        return future.result()

    return result
