"""app.jobs.front_door: the ids it builds are the ids it reads back, and jobs come and go."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from app.domain.schedules import Recurrence
from app.jobs import front_door


@pytest.fixture
def scheduler() -> Iterator[BackgroundScheduler]:
    """A paused scheduler with an in-memory job table: jobs are stored, none runs."""
    scheduler = BackgroundScheduler(timezone=UTC)
    scheduler.start(paused=True)
    yield scheduler
    scheduler.shutdown(wait=False)


def test_team_of_reads_back_the_team_of_every_id_built_here():
    assert front_door.team_of(front_door.poll_job_id("T0001", 42)) == "T0001"
    assert front_door.team_of(front_door.channel_job_id("retro", "T0002", "C0GENERAL")) == "T0002"
    assert front_door.team_of(front_door.SWEEP_JOB_ID) is None


def test_channel_jobs_are_added_replaced_and_removed(scheduler):
    rec = Recurrence(9, 30, (0, 1, 2, 3, 4), "Europe/Berlin", 1)
    front_door.schedule_channel_job(scheduler, "checkin", "T0001", "C0GENERAL", rec)
    front_door.schedule_channel_job(scheduler, "checkin", "T0001", "C0GENERAL", rec)
    [job] = scheduler.get_jobs()
    assert job.id == front_door.channel_job_id("checkin", "T0001", "C0GENERAL")
    assert job.args == ("T0001", "C0GENERAL")
    assert job.func.__module__ == "app.jobs.schedules" and job.func.__name__ == "run_checkin"
    front_door.unschedule_channel_job(scheduler, "checkin", "T0001", "C0GENERAL")
    front_door.unschedule_channel_job(scheduler, "checkin", "T0001", "C0GENERAL")  # gone: no-op
    assert scheduler.get_jobs() == []


def test_a_poll_close_and_the_sweep_get_their_own_jobs(scheduler):
    closes = datetime(2030, 1, 1, 12, tzinfo=UTC)
    front_door.schedule_poll_close(scheduler, "T0001", 7, closes)
    front_door.schedule_sweep(scheduler, 60)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert jobs[front_door.poll_job_id("T0001", 7)].next_run_time == closes
    assert jobs[front_door.SWEEP_JOB_ID].func.__name__ == "run_due"


def test_without_a_scheduler_every_call_is_a_quiet_no_op():
    rec = Recurrence(9, 30, (0,), "UTC", 1)
    front_door.schedule_poll_close(None, "T0001", 7, datetime(2030, 1, 1, tzinfo=UTC))
    front_door.schedule_channel_job(None, "checkin", "T0001", "C0GENERAL", rec)
    front_door.unschedule_channel_job(None, "checkin", "T0001", "C0GENERAL")
