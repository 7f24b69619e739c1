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
    return stop_schedules(deps, team_id)


def stop_org(deps: Deps, enterprise_id: str) -> None:
    """An org-wide install is gone: forget it, and stop every workspace's schedules."""
    if deps.forget_org is None:
        return
    for team_id in deps.forget_org(enterprise_id):
        stop_schedules(deps, team_id)


def stop_schedules(deps: Deps, team_id: str) -> list[tuple[str, str]]:
    deps.people.forget(team_id)
    deps.urls.forget(team_id)
    with deps.sessions.begin() as session:
        stopped = channel_schedules.disable_team(session, team_id, UNINSTALLED, deps.clock.now())
    for kind, channel_id in stopped:
        unschedule_channel_job(deps.scheduler, kind, team_id, channel_id)
    log.info("team %s uninstalled the app: %d schedule(s) stopped", team_id, len(stopped))
    return stopped


def app_uninstalled(context: BoltContext, deps: Deps) -> None:
    if context.is_enterprise_install and context.enterprise_id:
        stop_org(deps, context.enterprise_id)
    elif workspace := context.get("workspace"):
        stop_team(deps, workspace)


def tokens_revoked(event: dict, context: BoltContext, deps: Deps) -> None:
    tokens = event.get("tokens")
    # Only the bot token matters: the app asks for no user tokens.
    if not (isinstance(tokens, dict) and tokens.get("bot")):
        return
    if context.is_enterprise_install and context.enterprise_id:
        stop_org(deps, context.enterprise_id)
    elif workspace := context.get("workspace"):
        stop_team(deps, workspace)


def register(app: App, deps: Deps) -> None:
    app.event("app_uninstalled")(app_uninstalled)
    app.event("tokens_revoked")(tokens_revoked)
