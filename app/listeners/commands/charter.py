"""`/decide charter`: the team's charter (domains, who decides, values, steward), privately."""

from __future__ import annotations

from slack_bolt import Respond
from slack_sdk import WebClient

from app.blocks.charter import build_charter
from app.domain import charter as charters
from app.domain import rotation_service, steward
from app.listeners.commands import grammar_charter as g
from app.listeners.deps import Deps
from app.listeners.payloads import CommandPayload


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
