"""Modal submissions, one module per kind of form. Each module's `register` wires its handlers."""

from __future__ import annotations

from slack_bolt import App

from app.listeners.deps import Deps
from app.listeners.views import (
    charter,
    consensus,
    decisions,
    escalation,
    feedback,
    lifecycle,
    polls,
    schedules,
)

FORMS = (decisions, polls, schedules, escalation, consensus, charter, feedback, lifecycle)


def register(app: App, deps: Deps) -> None:
    for module in FORMS:
        module.register(app, deps)
