"""Events API: the App Home tab, drawn fresh each time someone opens it."""

from __future__ import annotations

import logging

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from app.blocks.home import build_home_tab
from app.domain import home
from app.listeners.deps import Deps
from app.listeners.events import installs, people

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
        publish_home(client, deps, team_id, user_id)
    except SlackApiError as exc:
        if exc.response.get("error") not in NOT_A_PERSON:
            raise
        # A forged or garbled event: there is nobody to draw a Home for.
        log.warning("no Home for %s: %s", user_id[:20], exc.response.get("error"))


def publish_home(client: WebClient, deps: Deps, team_id: str, user_id: str) -> None:
    """Publish the Home without views.publish's `hash`. The hash ("a string that represents
    view state to protect against possible race conditions"; a stale one fails with
    `hash_conflict`, api.slack.com/methods/views.publish) guards a read-modify-write of a
    view. This bot never modifies a view it read: each publish is a whole snapshot of the
    database, and only app_home_opened publishes. Passing the event's hash would make two
    near-simultaneous opens (a double click, a redelivery) first-publisher-wins with an error
    to swallow, no fresher than last-publisher-wins, and the next open redraws anyway."""
    with deps.sessions() as session:
        view = build_home_tab(
            home.home_for(
                session,
                team_id,
                user_id,
                deps.clock.now(),
                deps.review_days,
                cache=deps.team_views,
                side=deps.side_reads,
            )
        )
    client.views_publish(user_id=user_id, view=view)


def register(app: App, deps: Deps) -> None:
    installs.register(app, deps)
    people.register(app, deps)
    app.event("app_home_opened")(home_opened)
