"""The one door into scheduling from outside app.jobs: job ids, adding and removing jobs.

Why one module: listeners, the composition root and the purge command all need to add, remove
or recognise jobs, and each used to know a piece of the id format (`kind:team:subject`) or the
job functions' import paths. Here alone the ids are built and read back, so the format can
change in one place. Job functions stay in their own modules (app.jobs.polls, .schedules, ...);
they are referenced here by their textual "module:function" path, which is what APScheduler
persists. Without a scheduler (extra web workers, tests) every call here does nothing: the
sweeps (app.jobs.sweeps) do the work whichever process runs them.
"""

from __future__ import annotations

import contextlib
from datetime import datetime

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger

from app.domain.schedules import DAYS, Recurrence

POLL_CLOSE = "poll-close"
SWEEP_JOB_ID = "sweep"
CARD_SWEEP_JOB_ID = "card-sweep"
# Cards lost to a crash must reappear within a minute of a restart: their claims' lease is
# 30 s (app.posting.claimed), so the card sweep runs more often than the minute sweep.
CARD_SWEEP_SECONDS = 10
COUNTS_FOLD_JOB_ID = "counts-fold"


def poll_job_id(team_id: str, poll_id: int) -> str:
    return f"{POLL_CLOSE}:{team_id}:{poll_id}"


def channel_job_id(kind: str, team_id: str, channel_id: str) -> str:
    return f"{kind}:{team_id}:{channel_id}"


def team_of(job_id: str) -> str | None:
    """The team a job works for, read back from its id; None for jobs of no team (the sweep)."""
    parts = job_id.split(":")
    return parts[1] if len(parts) > 1 else None


def schedule_poll_close(
    scheduler: BaseScheduler | None, team_id: str, poll_id: int, closes_at: datetime
) -> None:
    """One date job per poll. Without a scheduler the poll is still closed by the start-up
    sweep or by whichever process runs the scheduler's sweep."""
    if scheduler is None:
        return
    scheduler.add_job(
        "app.jobs.polls:close_due_polls",
        trigger="date",
        run_date=closes_at,
        id=poll_job_id(team_id, poll_id),
        replace_existing=True,
    )


def schedule_channel_job(
    scheduler: BaseScheduler | None, kind: str, team_id: str, channel_id: str, rec: Recurrence
) -> None:
    """One cron job per channel schedule, in the schedule's own time zone (zoneinfo, so DST
    moves the UTC time). `every 2w` fires weekly; the job skips the off weeks. The job reads the
    schedule when it runs, so this only has to be redone when the time or days change."""
    if scheduler is None:
        return
    scheduler.add_job(
        f"app.jobs.schedules:run_{kind}",
        CronTrigger(
            day_of_week=",".join(DAYS[d] for d in rec.weekdays),
            hour=rec.hour,
            minute=rec.minute,
            timezone=rec.zone,
        ),
        args=[team_id, channel_id],
        id=channel_job_id(kind, team_id, channel_id),
        replace_existing=True,
    )


def unschedule_channel_job(
    scheduler: BaseScheduler | None, kind: str, team_id: str, channel_id: str
) -> None:
    if scheduler is None:
        return
    with contextlib.suppress(JobLookupError):
        scheduler.remove_job(channel_job_id(kind, team_id, channel_id))


def schedule_sweep(scheduler: BaseScheduler, seconds: int) -> None:
    """Every `seconds`, everything that is due: besides each item's own job, this catches work
    whose job was added by a process that runs no scheduler, or lost with a job table. Cards
    left unposted by a crash are swept every CARD_SWEEP_SECONDS as well (app.jobs.cards), and
    the decisions' running totals take in their recorded changes (app.jobs.counts)."""
    scheduler.add_job(
        "app.jobs.sweeps:run_due",
        "interval",
        seconds=seconds,
        id=SWEEP_JOB_ID,
        replace_existing=True,
    )
    scheduler.add_job(
        "app.jobs.cards:post_missing_cards",
        "interval",
        seconds=min(seconds, CARD_SWEEP_SECONDS),
        id=CARD_SWEEP_JOB_ID,
        replace_existing=True,
    )
    scheduler.add_job(
        "app.jobs.counts:fold_decision_counts",
        "interval",
        seconds=seconds,
        id=COUNTS_FOLD_JOB_ID,
        replace_existing=True,
    )
