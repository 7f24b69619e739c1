"""The charter's Edit buttons: open the charter or the values form, for those who may edit."""

from __future__ import annotations

from slack_bolt import Ack, App
from slack_sdk import WebClient

from app import ids
from app.blocks.charter import build_charter_modal, build_values_modal
from app.domain import charter as charters
from app.domain import rotation_service
from app.listeners.deps import Deps
from app.listeners.editors import admin_if_needed
from app.listeners.payloads import BlockActions


def edit_charter(ack: Ack, click: BlockActions, deps: Deps, client: WebClient) -> None:
    ack()
    team, user = click.team_id, click.user.id
    admin = admin_if_needed(client, deps, team, user)
    with deps.sessions.begin() as session:
        charter = charters.editable(session, team, user, admin, "the charter", deps.clock.now())
        view = build_charter_modal(
            charter,
            charters.domains(session, team),
            rotation_service.in_team(session, team),
            charters.formal_leads(session, team),
        )
    client.views_open(trigger_id=click.trigger_id, view=view)


def edit_values(ack: Ack, click: BlockActions, deps: Deps, client: WebClient) -> None:
    ack()
    team, user = click.team_id, click.user.id
    admin = admin_if_needed(client, deps, team, user)
    with deps.sessions.begin() as session:
        charter = charters.editable(session, team, user, admin, "the values", deps.clock.now())
        view = build_values_modal(charter)
    client.views_open(trigger_id=click.trigger_id, view=view)


def register(app: App, deps: Deps) -> None:
    app.action(ids.CHARTER_EDIT)(edit_charter)
    app.action(ids.VALUES_EDIT)(edit_values)
