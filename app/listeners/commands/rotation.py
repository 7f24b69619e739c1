"""`/decide rotation …`: list the channel's rotations, start or change one, adjust who leads."""

from __future__ import annotations

from slack_bolt import Respond
from slack_sdk import WebClient

from app.blocks.messages import build_error, build_notice
from app.blocks.replies import rotation_adjusted_text
from app.blocks.rotations import RotationView, adjustment_words, build_rotations, rotation_line
from app.blocks.slack_errors import refusal_text
from app.domain import rotation_service, rotations
from app.listeners.commands import grammar_charter as g
from app.listeners.deps import Deps
from app.listeners.editors import check_editor
from app.listeners.payloads import CommandPayload
from app.listeners.people import members_problem, user_tz
from app.posting.canvas import refresh_charter_canvases
from app.posting.rotations import announce_handoff
from app.posting.scheduled import ChannelGone


def view_of(session, rotation, now) -> RotationView:
    plan = rotation_service.plan_of(session, rotation)
    today = rotations.local_day(now, rotation.tz)
    nxt, day = rotations.next_lead(plan, today)
    return RotationView(
        rotation.name,
        tuple(rotation.members),
        rotation.period_days,
        rotation.tz,
        rotations.lead_on(plan, today),
        nxt,
        day,
    )


def show(
    intent: g.ShowRotations,
    command: CommandPayload,
    client: WebClient,
    respond: Respond,
    deps: Deps,
) -> None:
    now = deps.clock.now()
    with deps.sessions() as session:
        found = rotation_service.in_channel(session, command.team_id, command.channel_id)
        views = [view_of(session, r, now) for r in found]
    respond(response_type="ephemeral", text="Rotations", blocks=build_rotations(views))


def put(
    intent: g.SetRotation, command: CommandPayload, client: WebClient, respond: Respond, deps: Deps
) -> None:
    """Start a rotation, or change its members, period or start."""
    team, user, now = command.team_id, command.user_id, deps.clock.now()
    check_editor(client, deps, team, user, "rotations")
    if problem := members_problem(client, intent.members, people=deps.people, team_id=team):
        respond(
            response_type="ephemeral", text=problem, blocks=build_error(problem, usage="rotation")
        )
        return
    tz = user_tz(client, user, people=deps.people, team_id=team)
    with deps.sessions.begin() as session:
        row, created = rotation_service.put(
            session,
            team_id=team,
            channel_id=command.channel_id,
            name=intent.name,
            members=list(intent.members),
            period_days=intent.period_days,
            start=intent.start,
            tz=tz,
            actor_id=user,
            now=now,
        )
        line = rotation_line(view_of(session, row, now))
    said = "Started" if created else "Updated"
    refresh_charter_canvases(client, deps.sessions, deps.clock, team)
    respond(
        response_type="ephemeral",
        text=f"{said} the rotation.",
        blocks=build_notice(f"{said}: {line}"),
    )


def adjust(
    intent: g.AdjustRotation,
    command: CommandPayload,
    client: WebClient,
    respond: Respond,
    deps: Deps,
) -> None:
    """Swap, skip or away: change who leads without changing the rotation, and say so in the
    channel the same day (the handoff itself when the lead changed)."""
    team, user, users, now = command.team_id, command.user_id, intent.users, deps.clock.now()
    check_editor(client, deps, team, user, "rotations")
    with deps.sessions.begin() as session:
        row = rotation_service.get_or_only(session, team, command.channel_id, intent.name)
        skipped = rotation_service.lead_now(session, row, now)
        adjusted = rotation_service.adjust_now(
            session,
            row,
            kind=intent.kind,
            actor_id=user,
            now=now,
            user=users[0] if users else None,
            other=users[1] if len(users) > 1 else None,
            until=intent.until,
        )
        said = adjustment_words(
            row.name,
            user,
            intent.kind,
            skipped=skipped,
            user=users[0] if users else None,
            other=users[1] if len(users) > 1 else None,
            until=intent.until,
            tz=row.tz,
        )
    text = rotation_adjusted_text(adjusted.handoff.incoming, adjusted.name)
    try:
        announce_handoff(
            client,
            deps.sessions,
            team_id=team,
            rotation_id=adjusted.rotation_id,
            day=adjusted.day,
            handoff=adjusted.handoff,
            now=now,
            said=said,
        )
    except ChannelGone as gone:
        text += " " + refusal_text(gone.error, command.channel_id)
    refresh_charter_canvases(client, deps.sessions, deps.clock, team)
    respond(response_type="ephemeral", text=text, blocks=build_notice(text))
