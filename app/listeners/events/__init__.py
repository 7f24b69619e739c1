"""Events API: the App Home tab, drawn fresh each time someone opens it (and republished
after changes to a person's own lists: app.posting.home)."""

from __future__ import annotations

import logging

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from app.listeners.deps import Deps
from app.listeners.events import installs, people
from app.posting.home import publish_home

NOT_A_PERSON = frozenset({"user_not_found", "invalid_user", "cannot_dm_bot"})
log = logging.getLogger(__name__)


def home_opened(event: dict, context: BoltContext, deps: Deps, client: WebClient) -> None:
    """Draw the person's Home afresh. Once a Home was published, Slack's event carries it as
    `view` (api.slack.com/events/app_home_opened); nothing here reads it: the Home is a
    pure function of the database, redrawn whole, never a change to the view last shown."""
    if event.get("tab") not in (None, "home"):
        return  # the Messages tab: nothing to draw
    team_id, user_id = context.get("workspace"), event.get("user")
    if not team_id or not isinstance(user_id, str):
        return
    try:
        publish_home(client, deps.home_reads, team_id, user_id)
    except SlackApiError as exc:
        if exc.response.get("error") not in NOT_A_PERSON:
            raise
        # A forged or garbled event: there is nobody to draw a Home for.
        log.warning("no Home for %s: %s", user_id[:20], exc.response.get("error"))


def register(app: App, deps: Deps) -> None:
    installs.register(app, deps)
    people.register(app, deps)
    app.event("app_home_opened")(home_opened)
