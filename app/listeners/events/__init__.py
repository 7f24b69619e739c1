"""Events API: the App Home tab, drawn fresh each time someone opens it."""

from __future__ import annotations

import logging
from datetime import timedelta

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from app.blocks.home import build_home, build_team_context
from app.domain import charter, home, metrics, rotation_service
from app.listeners.deps import Deps
from app.listeners.events import installs

DASHBOARD_DAYS = 30
NOT_A_PERSON = frozenset({"user_not_found", "invalid_user", "cannot_dm_bot"})
log = logging.getLogger(__name__)


def register(app: App, deps: Deps) -> None:
    installs.register(app, deps)

    @app.event("app_home_opened")
    def home_opened(event: dict, context, client: WebClient) -> None:
        if event.get("tab") not in (None, "home"):
            return  # the Messages tab: nothing to draw
        team_id, user_id = context.team_id, event.get("user")
        if not team_id or not isinstance(user_id, str):
            return
        try:
            publish_home(client, deps, team_id, user_id)
        except SlackApiError as exc:
            if exc.response.get("error") not in NOT_A_PERSON:
                raise
            # A forged or garbled event: there is nobody to draw a Home for.
            log.warning("no Home for %s: %s", user_id[:20], exc.response.get("error"))


def publish_home(client: WebClient, deps: Deps, team_id: str, user_id: str) -> None:
    now = deps.clock.now()
    with deps.sessions() as session:
        data = home.home_data(session, team_id, user_id, now, deps.review_days)
        scope = metrics.Scope(team_id, since=now - timedelta(days=DASHBOARD_DAYS))
        leads = frozenset(charter.formal_leads(session, team_id))
        board = metrics.dashboard(session, scope, formal_leads=leads)
        rotations = [
            (r.name, r.channel_id, rotation_service.lead_now(session, r, now))
            for r in rotation_service.in_team(session, team_id)
        ]
        domains = [(d.name, _authority(d), d.zone.value) for d in charter.domains(session, team_id)]
        view = build_home(data, board, extra=build_team_context(rotations, domains))
    client.views_publish(user_id=user_id, view=view)


def _authority(domain) -> str:
    if domain.authority_id:
        return f"<@{domain.authority_id}>"
    return "the rotation's lead" if domain.rotation_id else "_no default_"
