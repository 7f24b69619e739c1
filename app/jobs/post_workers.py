"""Threads in every serving process that take queued check-ins and retrospectives and post them.

The elected scheduler only enqueues (app.jobs.schedules); these threads, in every process that
shares the database, take the posts with FOR UPDATE SKIP LOCKED (app.domain.post_queue), so ten
thousand workspaces due at 09:00 are posted by all workers at once instead of by the leader
alone. Each thread polls the queue every POLL_SECONDS while it is empty; that is the longest a
due post waits to be noticed.
"""

from __future__ import annotations

import logging
import threading

from app import jobs
from app.jobs.schedules import QUEUE_KINDS, work

log = logging.getLogger(__name__)

THREADS = 8
POLL_SECONDS = 1.0


class PostWorkers:
    """`threads` daemon threads taking posts from the queue until `stop()`."""

    def __init__(self, threads: int = THREADS, poll: float = POLL_SECONDS) -> None:
        self._poll = poll
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._run, name=f"post-worker-{n}", daemon=True)
            for n in range(threads)
        ]
        self.posted = 0
        self._lock = threading.Lock()

    def start(self) -> PostWorkers:
        for thread in self._threads:
            thread.start()
        return self

    def stop(self, timeout: float = 20.0) -> None:
        """Stop taking posts; a post under way finishes (or its claim is taken over later)."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                posted = work(jobs.installed(), QUEUE_KINDS, self._stop.is_set)
            except Exception:
                # A database that went away for a moment must not end the thread for good.
                log.exception("taking queued posts failed; trying again")
                posted = 0
            with self._lock:
                self.posted += posted
            self._stop.wait(self._poll)
