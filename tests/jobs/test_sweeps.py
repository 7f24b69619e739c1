"""run_due keeps each sweep's promise apart: one that raises does not stop the others."""

from __future__ import annotations

import logging

import pytest

from app.jobs import sweeps


def test_a_failing_sweep_does_not_stop_the_others(monkeypatch, caplog):
    ran: list[str] = []

    def broken() -> int:
        ran.append("broken")
        raise RuntimeError("database hiccup")

    def keys() -> int:
        ran.append("keys")
        return 2

    monkeypatch.setattr(sweeps, "SWEEPS", {"check-ins posted": broken, "keys destroyed": keys})
    with pytest.raises(sweeps.SweepsFailed, match="check-ins posted"):
        sweeps.run_due()
    assert ran == ["broken", "keys"], "the sweep after the failing one still ran"
    failures = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(failures) == 1 and "check-ins posted" in failures[0].getMessage()
