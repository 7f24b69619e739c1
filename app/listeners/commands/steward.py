"""`/decide steward …`: who receives anonymous reports, and naming them (or a rotation)."""

from __future__ import annotations

from slack_bolt import Respond
from slack_sdk import WebClient

from app.blocks.messages import build_error, build_notice
from app.blocks.replies import steward_named_text, steward_now_text
from app.domain import rotation_service, steward
from app.listeners.commands import grammar_charter as g
from app.listeners.deps import Deps
from app.listeners.editors import check_editor
from app.listeners.payloads import CommandPayload
from app.listeners.people import members_problem
from app.posting.canvas import refresh_charter_canvases


def show(
    intent: g.ShowSteward, command: CommandPayload, client: WebClient, respond: Respond, deps: Deps
) -> None:
    with deps.sessions() as session:
        who = steward.current(session, command.team_id, deps.clock.now())
    text = steward_now_text(who, g.STEWARD_EXAMPLE)
    respond(response_type="ephemeral", text=text, blocks=build_notice(text))


def put(
    intent: g.SetSteward, command: CommandPayload, client: WebClient, respond: Respond, deps: Deps
) -> None:
    """Name a steward, or let the role follow a rotation's lead; optionally reviewed quarterly."""
    team, user, now = command.team_id, command.user_id, deps.clock.now()
    check_editor(client, deps, team, user, "the steward")
    if intent.user_id and (
        problem := members_problem(client, [intent.user_id], people=deps.people, team_id=team)
    ):
        respond(
            response_type="ephemeral", text=problem, blocks=build_error(problem, usage="steward")
        )
        return
    with deps.sessions.begin() as session:
        rotation = (
            rotation_service.get(session, team, command.channel_id, intent.rotation)
            if intent.rotation
            else None
        )
        steward.set_steward(
            session,
            team_id=team,
            actor_id=user,
            now=now,
            user_id=intent.user_id,
            rotation=rotation,
            every=intent.every,
        )
        who = steward.current(session, team, now)
    review = steward.next_review(now.date()).isoformat() if intent.every else None
    text = steward_named_text(who, intent.rotation, review)
    refresh_charter_canvases(client, deps.sessions, deps.clock, team)
    respond(response_type="ephemeral", text=text, blocks=build_notice(text))
