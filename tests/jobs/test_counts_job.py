"""The fold of the decisions' running totals: scheduled with the sweep, and what it does when a
real bot's decisions were opened and decided through Slack."""

from __future__ import annotations

from sqlalchemy import func, select

from app.db.models import DecisionCountChange, DecisionDayCount
from app.jobs import front_door
from app.jobs.counts import fold_decision_counts
from tests.e2e.conftest import ALICE, GENERAL, start_bot, stop_bot


def test_the_fold_is_scheduled_with_the_sweep_and_moves_every_change_into_the_totals(
    standin, database_url, clock, slack_for
):
    bot = start_bot(standin, database_url, clock, scheduler="paused")
    try:
        scheduler = bot.runtime.scheduler
        job = scheduler.get_job(front_door.COUNTS_FOLD_JOB_ID)
        assert job is not None and job.func is fold_decision_counts
        slack = slack_for(bot)
        for title in ("Pick the queue", "Pick the cache"):
            slack.command(ALICE, GENERAL, f"{title} <@{ALICE}>")
            bot.settle()
        with bot.sessions() as session:
            recorded = session.scalar(select(func.count()).select_from(DecisionCountChange))
        assert recorded >= 2  # each opening appended its change
        assert fold_decision_counts() == recorded
        with bot.sessions() as session:
            assert session.scalar(select(func.count()).select_from(DecisionCountChange)) == 0
            opened = session.scalar(select(func.sum(DecisionDayCount.opened)))
        assert opened == 2
        assert fold_decision_counts() == 0  # nothing new: a fold is safe to run any time
    finally:
        scheduler.remove_all_jobs()  # the job table outlives the test on PostgreSQL
        stop_bot(bot)
