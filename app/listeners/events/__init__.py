"""Events API: the App Home tab, drawn fresh each time someone opens it."""

from __future__ import annotations

from datetime import timedelta

from slack_bolt import App
from slack_sdk import WebClient

from app.blocks.home import build_home
from app.domain import home, metrics
from app.listeners.deps import Deps

DASHBOARD_DAYS = 30


def register(app: App, deps: Deps) -> None:
    @app.event("app_home_opened")
    def home_opened(event: dict, context, client: WebClient) -> None:
        if event.get("tab") not in (None, "home"):
            return  # the Messages tab: nothing to draw
        team_id, user_id = context.team_id, event.get("user")
        if not team_id or not isinstance(user_id, str):
            return
        publish_home(client, deps, team_id, user_id)


def publish_home(client: WebClient, deps: Deps, team_id: str, user_id: str) -> None:
    now = deps.clock.now()
    with deps.sessions() as session:
        data = home.home_data(session, team_id, user_id, now, deps.review_days)
        scope = metrics.Scope(team_id, since=now - timedelta(days=DASHBOARD_DAYS))
        board = metrics.dashboard(session, scope)
        view = build_home(data, board)
    client.views_publish(user_id=user_id, view=view)
