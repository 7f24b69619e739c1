"""Scheduling poll closings: a persisted date job per poll, and the idempotent sweep it runs."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app import ids
from app.db.models import ExpertisePoll
from app.jobs import front_door as jobs
from app.jobs.polls import close_due_polls
from tests.e2e.conftest import ALICE, BOB, GENERAL, start_bot, stop_bot


def test_starting_a_poll_persists_its_closing_job(standin, database_url, clock, slack_for):
    bot = start_bot(standin, database_url, clock, scheduler="paused")
    try:
        scheduler = bot.runtime.scheduler
        slack_for(bot).command(ALICE, GENERAL, "poll Pick the queue --closes 2h")
        bot.settle()
        with bot.sessions() as session:
            poll = session.scalars(select(ExpertisePoll)).one()
        job = scheduler.get_job(jobs.poll_job_id("T0001", poll.id))
        assert job is not None and job.next_run_time == clock.now() + timedelta(hours=2)
        assert job.func is close_due_polls
        assert job.coalesce and job.max_instances == 1
    finally:
        scheduler.remove_all_jobs()  # the job table outlives the test on PostgreSQL
        stop_bot(bot)


def test_close_due_polls_closes_each_poll_once(standin, database_url, clock, slack_for):
    bot = start_bot(standin, database_url, clock)
    try:
        slack = slack_for(bot)
        for minutes in ("30m", "2h"):
            slack.command(ALICE, GENERAL, f"poll Pick the queue {minutes} --closes {minutes}")
            bot.settle()
        poll = next(m for m in standin.messages(GENERAL) if m["text"].startswith("Expertise"))
        slack.click(BOB, f"{ids.POLL_RATE}3", message=poll)
        bot.settle()
        clock.advance(timedelta(minutes=31))
        assert close_due_polls() == 1
        assert close_due_polls() == 0
        clock.advance(timedelta(hours=2))
        assert close_due_polls() == 1
        assert close_due_polls() == 0
        closed = [c for c in standin.calls("chat.update") if "closed" in c.params["text"]]
        assert len(closed) == 2
    finally:
        stop_bot(bot)
