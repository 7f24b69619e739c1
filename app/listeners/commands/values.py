"""`/decide values`: open the values and principles form, for those who may edit the charter."""

from __future__ import annotations

from slack_bolt import Respond
from slack_sdk import WebClient

from app.blocks.charter import build_values_modal
from app.domain import charter as charters
from app.listeners.commands import grammar_charter as g
from app.listeners.deps import Deps
from app.listeners.editors import admin_if_needed
from app.listeners.payloads import CommandPayload


def edit(
    intent: g.EditValues, command: CommandPayload, client: WebClient, respond: Respond, deps: Deps
) -> None:
    team, user = command.team_id, command.user_id
    admin = admin_if_needed(client, deps, team, user)
    with deps.sessions.begin() as session:
        charter = charters.editable(session, team, user, admin, "the values", deps.clock.now())
        view = build_values_modal(charter)
    client.views_open(trigger_id=command.trigger_id, view=view)
