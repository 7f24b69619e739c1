"""`/decide rotation|charter|values|steward|feedback`: glue between the words and the rooms."""

from __future__ import annotations

from slack_bolt import Respond
from slack_sdk import WebClient

from app.blocks.charter import build_charter, build_values_modal
from app.blocks.feedback import build_feedback_modal
from app.blocks.messages import build_error, build_notice
from app.blocks.rotations import RotationView, build_rotations, rotation_line
from app.domain import charter as charters
from app.domain import checkins, rotation_service, rotations, steward
from app.domain.errors import NotAllowed
from app.listeners.commands import grammar_charter as g
from app.listeners.commands.schedules import _user_tz
from app.listeners.deps import Deps
from app.listeners.payloads import CommandPayload
from app.listeners.people import is_admin, members_problem


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


def check_editor(client: WebClient, deps: Deps, team_id: str, user_id: str, what: str) -> None:
    with deps.sessions.begin() as session:
        charter = charters.get_or_create(session, team_id, deps.clock.now())
        policy_ok = charters.may_edit(charter, user_id, False)
    if not policy_ok:
        with deps.sessions() as session:
            charter = charters.get_or_create(session, team_id, deps.clock.now())
            charters.check_may_edit(charter, user_id, is_admin(client, user_id), what)


def handle(intent, command: CommandPayload, client: WebClient, respond: Respond, deps: Deps):
    team, channel, user = command.team_id, command.channel_id, command.user_id
    now = deps.clock.now()
    match intent:
        case g.ShowRotations():
            with deps.sessions() as session:
                views = [
                    view_of(session, r, now)
                    for r in rotation_service.in_channel(session, team, channel)
                ]
            respond(response_type="ephemeral", text="Rotations", blocks=build_rotations(views))
        case g.SetRotation(name, members, days, start):
            check_editor(client, deps, team, user, "rotations")
            problem = members_problem(client, members)
            if problem:
                respond(response_type="ephemeral", text=problem, blocks=build_error(problem))
                return
            tz = _user_tz(client, user)
            with deps.sessions.begin() as session:
                row, created = rotation_service.put(
                    session,
                    team_id=team,
                    channel_id=channel,
                    name=name,
                    members=list(members),
                    period_days=days,
                    start=start,
                    tz=tz,
                    actor_id=user,
                    now=now,
                )
                line = rotation_line(view_of(session, row, now))
            said = "Started" if created else "Updated"
            respond(
                response_type="ephemeral",
                text=f"{said} the rotation.",
                blocks=build_notice(f"{said}: {line}"),
            )
        case g.AdjustRotation(name, kind, users, until):
            check_editor(client, deps, team, user, "rotations")
            with deps.sessions.begin() as session:
                row = rotation_service.get(session, team, channel, name)
                lead = rotation_service.adjust(
                    session,
                    row,
                    kind=kind,
                    actor_id=user,
                    now=now,
                    user=users[0] if users else None,
                    other=users[1] if len(users) > 1 else None,
                    until=until,
                )
            text = f"Done. <@{lead}> leads `{name}` now; the channel hears of any handoff shortly."
            respond(response_type="ephemeral", text=text, blocks=build_notice(text))
        case g.ShowCharter():
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
        case g.EditValues():
            check_editor(client, deps, team, user, "the values")
            with deps.sessions.begin() as session:
                view = build_values_modal(charters.get_or_create(session, team, now))
            client.views_open(trigger_id=command.trigger_id, view=view)
        case g.ShowSteward():
            with deps.sessions() as session:
                who = steward.current(session, team, now)
            text = (
                f"<@{who}> is the steward."
                if who
                else "Nobody is the steward yet. " + g.STEWARD_EXAMPLE
            )
            respond(response_type="ephemeral", text=text, blocks=build_notice(text))
        case g.SetSteward(user_id, rotation_name, every):
            _set_steward(client, respond, deps, command, user_id, rotation_name, every)
        case g.OpenFeedback():
            # Nothing here is logged: this path must never record who is about to report.
            with deps.sessions() as session:
                if steward.current(session, team, now) is None:
                    raise NotAllowed(steward.NO_STEWARD)
                recent = checkins.recent_in_team(session, team)
                view = build_feedback_modal(recent)
            client.views_open(trigger_id=command.trigger_id, view=view)


def _set_steward(client, respond, deps, command, user_id, rotation_name, every) -> None:
    team, user, now = command.team_id, command.user_id, deps.clock.now()
    check_editor(client, deps, team, user, "the steward")
    if user_id and (problem := members_problem(client, [user_id])):
        respond(response_type="ephemeral", text=problem, blocks=build_error(problem))
        return
    with deps.sessions.begin() as session:
        rotation = (
            rotation_service.get(session, team, command.channel_id, rotation_name)
            if rotation_name
            else None
        )
        steward.set_steward(
            session,
            team_id=team,
            actor_id=user,
            now=now,
            user_id=user_id,
            rotation=rotation,
            every=every,
        )
        who = steward.current(session, team, now)
    text = f"<@{who}> is now the steward."
    if rotation_name:
        text += f" The role follows the `{rotation_name}` rotation's lead."
    if every:
        text += (
            f" Reviewed every quarter; next review {steward.next_review(now.date()).isoformat()}."
        )
    respond(response_type="ephemeral", text=text, blocks=build_notice(text))
