"""Buttons and pickers in messages and on Home. Each module's `register` wires its handlers."""

from __future__ import annotations

from slack_bolt import Ack, App
from slack_sdk import WebClient

from app import ids
from app.blocks.modals import build_resolve_modal
from app.domain import decisions, values
from app.listeners import similar
from app.listeners.acks import acknowledged_if_it_fails
from app.listeners.actions import charter, consensus, escalation, lifecycle, polls, schedules
from app.listeners.deps import Deps
from app.listeners.payloads import BlockActions, plain_id
from app.posting.cards import refresh_card


def record_resolution(ack: Ack, click: BlockActions, deps: Deps, client: WebClient) -> None:
    """Open the resolution form, for the decider or the opener only."""
    ack()
    decision_id = plain_id(click.action.value)
    with deps.sessions() as session:
        decision = decisions.get_decision(session, click.team_id, decision_id)
        decisions.check_can_record(decision, click.user.id)
        principles = values.team_principles(session, click.team_id)
    deps.open_form(client, click, build_resolve_modal(decision, principles, click.user.id))


def share_forecast(ack: Ack, click: BlockActions, deps: Deps, client: WebClient) -> None:
    """Show the clicker's own private forecast on the card; stored before the click is
    acknowledged, and refused to anyone but the forecast's author."""
    with acknowledged_if_it_fails(ack), deps.sessions.begin() as session:
        decision = decisions.share_forecast(
            session, click.team_id, plain_id(click.action.value), click.user.id
        )
    ack()
    refresh_card(client, decision)


def register(app: App, deps: Deps) -> None:
    app.action(ids.RECORD_RESOLUTION)(record_resolution)
    app.action(ids.SHARE_FORECAST)(share_forecast)
    for module in (polls, schedules, escalation, consensus, charter, lifecycle, similar):
        module.register(app, deps)
