"""Scheduled work, and the registry job functions find their dependencies in.

APScheduler persists a job as a *reference* to a module-level function plus picklable
arguments, never as live objects: a session factory, a Web API client or a clock cannot be
pickled into the job table, and after a restart the old ones would not exist anyway. So the
composition root calls `install(...)` once per process, and job functions (app.jobs.polls)
look their dependencies up here at run time.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from app.domain.clock import Clock
from app.domain.schedules import DAYS, Recurrence
from app.posting.pace import TeamPacers

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobContext:
    sessions: sessionmaker[Session]
    client: WebClient | None
    clock: Clock
    scheduler: BaseScheduler | None = None
    outcome_review_days: int = 14
    # With OAuth installs each team has its own bot token: jobs post for many teams, so they
    # ask for the team's client (app.installs.TeamClients) instead of using one global client.
    team_clients: Callable[[str], WebClient] | None = None
    # Paces scheduled posts to each workspace's rate (shared by the sweep's threads).
    pacers: TeamPacers | None = None

    def pace(self, team_id: str) -> Callable[[], None] | None:
        return self.pacers.for_team(team_id).wait if self.pacers is not None else None

    def client_for(self, team_id: str) -> WebClient:
        if self.team_clients is not None:
            return self.team_clients(team_id)
        if self.client is None:
            raise RuntimeError("no Web API client: set SLACK_BOT_TOKEN or configure OAuth")
        return self.client


_installed: JobContext | None = None


def install(context: JobContext) -> None:
    global _installed
    _installed = context


def installed() -> JobContext:
    if _installed is None:
        raise RuntimeError("app.jobs.install() was not called by the composition root")
    return _installed


def poll_job_id(team_id: str, poll_id: int) -> str:
    return f"poll-close:{team_id}:{poll_id}"


def schedule_poll_close(
    scheduler: BaseScheduler | None, team_id: str, poll_id: int, closes_at: datetime
) -> None:
    """One date job per poll. Without a scheduler (extra web workers, tests) the poll is still
    closed by the start-up sweep or by whichever process runs the scheduler's sweep."""
    if scheduler is None:
        return
    scheduler.add_job(
        "app.jobs.polls:close_due_polls",
        trigger="date",
        run_date=closes_at,
        id=poll_job_id(team_id, poll_id),
        replace_existing=True,
    )


def channel_job_id(kind: str, team_id: str, channel_id: str) -> str:
    return f"{kind}:{team_id}:{channel_id}"


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
