"""Events API: `user_change`, Slack telling the bot a person changed (renamed, deactivated,
moved time zone). The process's people cache (app.posting.people) takes the new state at once
instead of waiting out its TTL. Needs `users:read`, which the bot already has for users.info.

The event is kept for the workspace the request is for (inject.workspace_of), never for
another: the cache is per team. Redelivered events store the same state again: idempotent.
"""

from __future__ import annotations

from slack_bolt import App, BoltContext

from app.listeners.deps import Deps


def user_changed(event: dict, context: BoltContext, deps: Deps) -> None:
    team_id, user = context.get("workspace"), event.get("user")
    if team_id and isinstance(user, dict):
        deps.people.changed(team_id, user)


def register(app: App, deps: Deps) -> None:
    app.event("user_change")(user_changed)
