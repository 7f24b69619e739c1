"""Whether the person at hand is a workspace admin, asked of Slack only when the charter's rule
needs it, and never inside a database transaction (users.info can take seconds)."""

from __future__ import annotations

from slack_sdk import WebClient

from app.domain import charter as charters
from app.listeners.deps import Deps
from app.listeners.people import is_admin


def admin_if_needed(client: WebClient, deps: Deps, team_id: str, user_id: str) -> bool:
    """True when Slack says they are an admin and the charter's own list does not already let
    them edit; False otherwise (the domain then decides with `charters.editable`)."""
    with deps.sessions.begin() as session:
        needed = charters.needs_admin(session, team_id, user_id, deps.clock.now())
    return needed and is_admin(client, user_id)


def check_editor(client: WebClient, deps: Deps, team_id: str, user_id: str, what: str) -> None:
    """Refuse, saying who can, anyone the charter does not let change `what`."""
    admin = admin_if_needed(client, deps, team_id, user_id)
    with deps.sessions.begin() as session:
        charters.editable(session, team_id, user_id, admin, what, deps.clock.now())
