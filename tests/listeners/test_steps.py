"""Workflow steps dispatched in-process through Bolt: the ledger claim, and an unexpected
error that still ends the run, once, with a sentence."""

from __future__ import annotations

import logging

from app import ids
from app.domain import ledger
from app.listeners.steps import handlers
from tests.e2e.conftest import ALICE, GENERAL


def test_a_run_is_claimed_in_the_ledger_and_a_redelivery_finds_it_done(slack, standin):
    run = slack.step(
        ids.OPEN_DECISION_STEP, {"title": "Queue", "channel": GENERAL, "opener": ALICE}
    )
    slack.redeliver(run)
    done = standin.execution(run.execution_id)
    assert done["state"] == "completed" and len(done["completions"]) == 1
    with slack.sessions() as session:
        row = ledger.find(session, "T0001", "step", ids.OPEN_DECISION_STEP, run.execution_id)
        assert (row.status, row.attempts) == (ledger.SENT, 1)


def test_an_unexpected_error_fails_the_run_once_and_reaches_the_error_handler(
    slack, standin, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(handlers.authority, "who_decides", broken)
    caplog.set_level(logging.ERROR)
    run = slack.step(ids.FIND_WHO_DECIDES_STEP, {"domain": "design"})
    done = standin.execution(run.execution_id)
    assert done["state"] == "failed" and len(done["completions"]) == 1
    assert done["error"].startswith("Find who decides: Deference hit an error on its side")
    assert "database on fire" not in done["error"]
    assert any("listener failed" in r.getMessage() for r in caplog.records)


def test_outputs_slack_refuses_still_end_the_run_with_a_failure(slack, standin, monkeypatch):
    monkeypatch.setattr(handlers, "authority_note", lambda found: 42)  # not a string output
    run = slack.step(ids.FIND_WHO_DECIDES_STEP, {"domain": "design"})
    done = standin.execution(run.execution_id)
    assert [c["answer"].get("error") for c in done["completions"]] == [
        "parameter_validation_failed",
        None,
    ]
    assert done["state"] == "failed" and "Deference hit an error" in done["error"]
