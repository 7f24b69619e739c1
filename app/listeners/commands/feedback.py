"""`/decide feedback`: open the anonymous report form, once the team has a steward."""

from __future__ import annotations

from slack_bolt import Respond
from slack_sdk import WebClient

from app.blocks.feedback import build_feedback_modal
from app.domain import checkins, steward
from app.listeners.commands import grammar_charter as g
from app.listeners.deps import Deps
from app.listeners.payloads import CommandPayload


def open_form(
    intent: g.OpenFeedback, command: CommandPayload, client: WebClient, respond: Respond, deps: Deps
) -> None:
    # Nothing here is logged: this path must never record who is about to report.
    with deps.sessions() as session:
        steward.check_has_steward(session, command.team_id, deps.clock.now())
        view = build_feedback_modal(checkins.recent_in_team(session, command.team_id))
    client.views_open(trigger_id=command.trigger_id, view=view)
