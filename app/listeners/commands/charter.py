"""`/decide charter`: the team's charter (domains, who decides, values, steward), privately;
`/decide charter canvas`: the same charter as this channel's canvas, kept current."""

from __future__ import annotations

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from app.blocks.canvas import canvas_parts, canvas_ready, canvas_refused
from app.blocks.charter import build_charter
from app.blocks.messages import build_notice
from app.domain import canvas as charter_canvas
from app.domain import charter as charters
from app.domain import rotation_service, steward
from app.listeners.commands import grammar_charter as g
from app.listeners.deps import Deps
from app.listeners.payloads import CommandPayload
from app.listeners.people import is_admin
from app.posting.canvas import create_or_find
from app.posting.send import slack_error_code


def show(
    intent: g.ShowCharter, command: CommandPayload, client: WebClient, respond: Respond, deps: Deps
) -> None:
    team, now = command.team_id, deps.clock.now()
    with deps.sessions.begin() as session:
        charter = charters.get_or_create(session, team, now)
        names = {r.id: r.name for r in rotation_service.in_team(session, team)}
        blocks = build_charter(
            charter,
            charters.domains(session, team),
            names,
            charters.formal_leads(session, team),
            steward.current(session, team, now),
        )
    respond(response_type="ephemeral", text="Team charter", blocks=blocks)


def canvas(
    intent: g.CharterCanvas,
    command: CommandPayload,
    client: WebClient,
    respond: Respond,
    deps: Deps,
) -> None:
    """Create (or adopt) this channel's canvas with the charter in it; admins only. From then
    on every change of the charter rewrites it (app.posting.canvas)."""
    team, user, channel = command.team_id, command.user_id, command.channel_id
    charter_canvas.check_may_create(user, is_admin(client, user))
    with deps.sessions.begin() as session:
        parts = canvas_parts(charter_canvas.mirror(session, team, deps.clock.now()))
    try:
        canvas_id, made = create_or_find(client, channel, parts)
    except SlackApiError as exc:
        text = canvas_refused(slack_error_code(exc), channel)
        respond(response_type="ephemeral", text=text, blocks=build_notice(text))
        return
    with deps.sessions.begin() as session:
        charter_canvas.remember(
            session,
            team_id=team,
            channel_id=channel,
            canvas_id=canvas_id,
            actor_id=user,
            now=deps.clock.now(),
        )
    text = canvas_ready(made)
    respond(response_type="ephemeral", text=text, blocks=build_notice(text))
