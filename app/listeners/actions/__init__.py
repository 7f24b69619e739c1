"""Buttons on the decision card."""

from __future__ import annotations

from slack_bolt import Ack, App
from slack_sdk import WebClient

from app import ids
from app.blocks.modals import build_resolve_modal
from app.domain import decisions
from app.listeners.actions import deference, polls, schedules
from app.listeners.declare_form import team_principles
from app.listeners.deps import Deps
from app.listeners.payloads import BlockActions, parse, plain_id


def register(app: App, deps: Deps) -> None:
    polls.register(app, deps)
    schedules.register(app, deps)
    deference.register(app, deps)

    @app.action(ids.RECORD_RESOLUTION)
    def record_resolution(ack: Ack, body: dict, client: WebClient) -> None:
        ack()
        click = parse(BlockActions, body)
        decision_id = plain_id(click.action.value)
        with deps.sessions() as session:
            decision = decisions.get_decision(session, click.team.id, decision_id)
            decisions.check_can_record(decision, click.user.id)
            principles = team_principles(session, click.team.id)
        client.views_open(
            trigger_id=click.trigger_id, view=build_resolve_modal(decision, principles)
        )
