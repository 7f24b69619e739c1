"""Slack glue, one package per surface. Each `register(app, deps)` attaches its listeners."""

from __future__ import annotations

from slack_bolt import App

from app.listeners import actions, commands, errors, events, shortcuts, views
from app.listeners.deps import Deps

SURFACES = (commands, actions, views, shortcuts, events, errors)


def register_all(app: App, deps: Deps) -> None:
    for surface in SURFACES:
        surface.register(app, deps)
