"""Workflow Builder custom steps (manifest.yml `functions`), run with Bolt's `app.function`:
"Find who decides", "Open a decision", "Record an outcome". Each step's work is in
handlers.py; once.py makes every run complete or fail exactly once."""

from __future__ import annotations

from slack_bolt import App

from app import ids
from app.listeners.deps import Deps
from app.listeners.steps import handlers


def register(app: App, deps: Deps) -> None:
    app.function(ids.FIND_WHO_DECIDES_STEP)(handlers.find_who_decides)
    app.function(ids.OPEN_DECISION_STEP)(handlers.open_decision)
    app.function(ids.RECORD_OUTCOME_STEP)(handlers.record_outcome)
