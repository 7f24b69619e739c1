"""The Slack Web API failing: 429, 500 and dropped connections are retried by slack_sdk's
handlers (the stand-in counts the attempts); a scheduled post that still fails is logged, goes
back to pending, and the next sweep posts it: never dropped, never doubled."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from app.db.models import ScheduledPost
from app.domain import ledger
from app.jobs.schedules import post_due_checkins
from app.posting.scheduled import SCHEDULED_ATTEMPTS
from tests.e2e.conftest import ALICE, BOB, GENERAL
from tests.reliability.figures import Figure
from tests.reliability.surfaces import utc

FIGURE = Figure("Slack Web API answering 429, 500, timing out, or dropping the connection")
FAULTS = {
    "429 twice": {"status": 429, "count": 2, "retry_after": 0},
    "500 twice": {"status": 500, "count": 2},
    "connection reset twice": {"status": 500, "count": 2, "drop_connection": True},
    "read timeout twice": {"status": 500, "count": 2, "hang": 1.5},
}


@pytest.fixture(scope="module", autouse=True)
def _record_figures():
    yield
    FIGURE.write()


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_card_gets_through_after_retries(bot, slack, standin, fault, caplog):
    caplog.set_level(logging.INFO)
    if "hang" in FAULTS[fault]:
        bot.runtime.bolt.client.timeout = 1  # the real 15 s would only slow the test down
    standin.fail_next("chat.postMessage", **FAULTS[fault])
    assert slack.command(ALICE, GENERAL, f"Pick the queue <@{BOB}|bob>").status == 200
    bot.runtime.settle(timeout=20)
    attempts = standin.calls("chat.postMessage")
    FIGURE.tried += 1
    assert len(attempts) == 3 and [c.ok for c in attempts] == [False, False, True]
    assert len(standin.messages(GENERAL)) == 1
    # slack_sdk logs each dropped connection at ERROR before retrying; nothing else may.
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert all(r.name == "slack_sdk.web.base_client" for r in errors), errors
    assert "Traceback" not in caplog.text
    FIGURE.count(f"{fault}: posted on attempt 3")


def test_a_scheduled_post_that_fails_for_good_is_retried_by_the_next_sweep(
    bot, slack, standin, clock, caplog
):
    caplog.set_level(logging.INFO)
    assert slack.command(ALICE, GENERAL, "checkin 10:00 daily UTC").status == 200
    bot.settle()
    clock.set(utc(2026, 11, 24, 10))
    # More than a scheduled post's SCHEDULED_ATTEMPTS (one try and three retries):
    standin.fail_next("chat.postMessage", status=500, count=SCHEDULED_ATTEMPTS)
    assert post_due_checkins() == 0
    tries = [c for c in standin.calls("chat.postMessage") if "set the" not in c.params["text"]]
    assert len(tries) == SCHEDULED_ATTEMPTS  # (the channel was told of the schedule before)
    with bot.sessions() as session:
        row = session.scalars(select(ScheduledPost)).one()
    assert (row.status, row.attempts) == (ledger.PENDING, 1), "released for the next sweep"
    failures = [r for r in caplog.records if "the next sweep retries" in r.getMessage()]
    assert len(failures) == 1 and failures[0].levelno == logging.WARNING
    clock.set(utc(2026, 11, 24, 10, 1))
    assert post_due_checkins() == 1
    assert post_due_checkins() == 0
    with bot.sessions() as session:
        row = session.scalars(select(ScheduledPost)).one()
    assert (row.status, row.attempts) == (ledger.SENT, 2)
    posted = [m for m in standin.messages(GENERAL) if m["text"].startswith("For today's")]
    assert len(posted) == 1, "posted once, not dropped, not doubled"
    FIGURE.tried += 1
    FIGURE.count("scheduled post failed for good: logged, pending, posted by the next sweep")
