"""Everything that is due now, in one call: start-up catch-up and the offline console's clock.

Each sweep is a module-level job function that does all of its kind of work due at the
installed clock's `now()` and is safe to run any number of times (work already done is
recognised in the database). Add new kinds of scheduled work here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from app import jobs
from app.domain import due
from app.jobs.anonymity import destroy_expired_keys
from app.jobs.cards import post_missing_cards
from app.jobs.polls import close_due_polls
from app.jobs.reviews import nudge_deadlines, send_outcome_reviews
from app.jobs.rotations import announce_handoffs
from app.jobs.schedules import post_due_checkins, post_due_retros

log = logging.getLogger(__name__)

SWEEPS: dict[str, Callable[[], int]] = {
    "missing cards posted": post_missing_cards,
    "polls closed": close_due_polls,
    "deadlines nudged": nudge_deadlines,
    "check-ins posted": post_due_checkins,
    "retros posted": post_due_retros,
    "outcome reviews sent": send_outcome_reviews,
    "handoffs announced": announce_handoffs,
    "anonymity keys destroyed": destroy_expired_keys,
}


def next_due(after: datetime, until: datetime) -> datetime | None:
    """The next moment in (after, until] something scheduled falls due: where a simulated
    clock (the offline console) must stop to run it on time."""
    context = jobs.installed()
    with context.sessions() as session:
        return due.next_due(session, after, until, context.outcome_review_days)


def latest_recorded() -> datetime | None:
    """The latest moment the database has a record of."""
    with jobs.installed().sessions() as session:
        return due.latest_recorded(session)


class SweepsFailed(Exception):
    """Some sweeps raised; the others ran. Raised after all, so the scheduler logs it too."""


def run_due() -> dict[str, int]:
    """Run every sweep; returns how much each one did. The sweeps are independent promises
    (destroying expired anonymity keys must not wait on a failing check-in), so one that
    raises is logged and the rest still run."""
    done: dict[str, int] = {}
    failed: list[str] = []
    for name, sweep in SWEEPS.items():
        try:
            done[name] = sweep()
        except Exception:
            log.exception("the sweep for %s failed; the other sweeps still run", name)
            failed.append(name)
    if any(done.values()):
        log.info("caught up: %s", ", ".join(f"{n} {name}" for name, n in done.items() if n))
    if failed:
        raise SweepsFailed(", ".join(failed))
    return done
