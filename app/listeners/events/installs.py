"""Events API: the app was uninstalled from a team, or its bot token was revoked.

Slack stops accepting the team's token, so everything the bot would still do for that team
would fail: its stored installation is deleted (Bolt then refuses the team's requests) and its
channel schedules are disabled, their jobs removed. Both steps are idempotent, so a redelivered
event (X-Slack-Retry-Num) changes nothing.
"""

from __future__ import annotations

import logging

from slack_bolt import App, BoltContext

from app.domain import channel_schedules
from app.domain.channel_schedules import UNINSTALLED
from app.jobs.front_door import unschedule_channel_job
from app.listeners.deps import Deps

log = logging.getLogger(__name__)


def stop_team(deps: Deps, team_id: str) -> list[tuple[str, str]]:
    """Forget the team's installation and disable its schedules; returns (kind, channel)
    of each schedule this call disabled."""
    if deps.forget_install is not None:
        deps.forget_install(team_id)
    with deps.sessions.begin() as session:
        stopped = channel_schedules.disable_team(session, team_id, UNINSTALLED, deps.clock.now())
    for kind, channel_id in stopped:
        unschedule_channel_job(deps.scheduler, kind, team_id, channel_id)
    log.info("team %s uninstalled the app: %d schedule(s) stopped", team_id, len(stopped))
    return stopped


def app_uninstalled(context: BoltContext, deps: Deps) -> None:
    if context.team_id:
        stop_team(deps, context.team_id)


def tokens_revoked(event: dict, context: BoltContext, deps: Deps) -> None:
    tokens = event.get("tokens")
    # Only the bot token matters: the app asks for no user tokens.
    if context.team_id and isinstance(tokens, dict) and tokens.get("bot"):
        stop_team(deps, context.team_id)


def register(app: App, deps: Deps) -> None:
    app.event("app_uninstalled")(app_uninstalled)
    app.event("tokens_revoked")(tokens_revoked)
