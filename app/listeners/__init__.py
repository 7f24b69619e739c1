"""Slack glue, one package per surface. Each `register(app, deps)` wires its handlers: plain
module-level functions that Bolt calls with the parsed payload and `deps` (see inject.py)."""

from __future__ import annotations

from slack_bolt import App

from app.listeners import actions, commands, errors, events, inject, shortcuts, steps, views
from app.listeners.deps import Deps

SURFACES = (inject, commands, actions, views, shortcuts, events, steps, errors)


def register_all(app: App, deps: Deps) -> None:
    for surface in SURFACES:
        surface.register(app, deps)
