"""`/decide checkin …` and `/decide retro …`: show, set and remove a channel's schedule.

A change or removal is said in the channel itself (who did it, and what runs now), so nobody
finds their retro gone without knowing why; only its setter or an admin may make one."""

from __future__ import annotations

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from app.blocks.messages import build_notice
from app.blocks.schedules import (
    NAMES,
    describe_schedule,
    not_announced_text,
    schedule_removed_text,
    schedule_set_text,
    set_by_text,
)
from app.domain import channel_schedules
from app.domain.schedules import Recurrence, next_occurrence
from app.jobs import front_door as jobs
from app.listeners.commands import grammar
from app.listeners.deps import Deps
from app.listeners.payloads import CommandPayload
from app.listeners.people import is_admin, user_tz

INVITE = (
    "I'm not in this channel, so I couldn't post the {name} here. Invite me with "
    "`/invite @Deference`, then run the command again."
)
EXAMPLES = {"checkin": grammar.CHECKIN_EXAMPLE, "retro": grammar.RETRO_EXAMPLE}


def handle(
    intent: grammar.ShowSchedule | grammar.RemoveSchedule | grammar.SetSchedule,
    command: CommandPayload,
    client: WebClient,
    respond: Respond,
    deps: Deps,
) -> None:
    team, channel, kind = command.team_id, command.channel_id, intent.kind
    match intent:
        case grammar.ShowSchedule():
            with deps.sessions() as session:
                row = channel_schedules.find(session, team, channel, kind)
                rec = channel_schedules.recurrence(row) if row else None
                disabled = row.disabled_reason if row else None
            if rec is None:
                text = f"No {NAMES[kind]} is scheduled here. Set one with {EXAMPLES[kind]}."
            elif disabled:
                text = describe_schedule(kind, rec, None) + (
                    f" It is paused because Slack said `{disabled}`; set it again to resume."
                )
            else:
                text = describe_schedule(kind, rec, next_occurrence(rec, deps.clock.now()))
            if row is not None:
                text += " " + set_by_text(row.created_by)
        case grammar.RemoveSchedule():
            admin = _admin_if_needed(client, deps, command, kind)
            with deps.sessions.begin() as session:
                removed = channel_schedules.remove(
                    session, team, channel, kind, command.user_id, admin
                )
            jobs.unschedule_channel_job(deps.scheduler, kind, team, channel)
            text = f"Removed the {NAMES[kind]} here." if removed else f"No {NAMES[kind]} was set."
            if removed:
                text += _announce(client, channel, schedule_removed_text(kind, command.user_id))
        case grammar.SetSchedule():
            text = _set(intent, command, client, deps)
    respond(response_type="ephemeral", text=text, blocks=build_notice(text))


def _set(
    intent: grammar.SetSchedule, command: CommandPayload, client: WebClient, deps: Deps
) -> str:
    where = command.channel_id
    problem = _channel_problem(client, where, NAMES[intent.kind], deps, command.team_id)
    if problem:
        return problem
    admin = _admin_if_needed(client, deps, command, intent.kind)
    tz = intent.tz or user_tz(client, command.user_id, people=deps.people, team_id=command.team_id)
    rec = Recurrence(intent.hour, intent.minute, intent.weekdays, tz, intent.every_weeks)
    now = deps.clock.now()
    with deps.sessions.begin() as session:
        existed = channel_schedules.find(session, command.team_id, command.channel_id, intent.kind)
        same = channel_schedules.unchanged(existed, rec)
        row = channel_schedules.put(
            session,
            team_id=command.team_id,
            channel_id=command.channel_id,
            kind=intent.kind,
            rec=rec,
            actor_id=command.user_id,
            now=now,
            is_admin=admin,
        )
        rec = channel_schedules.recurrence(row)
    jobs.schedule_channel_job(deps.scheduler, intent.kind, command.team_id, command.channel_id, rec)
    described = describe_schedule(intent.kind, rec, next_occurrence(rec, now))
    if same:
        return "Scheduled. " + described
    said = schedule_set_text(intent.kind, command.user_id, described, changed=existed is not None)
    return "Scheduled. " + described + _announce(client, command.channel_id, said)


def _admin_if_needed(client: WebClient, deps: Deps, command: CommandPayload, kind: str) -> bool:
    """Whether Slack says the person is an admin, asked only when a schedule set by someone
    else is being changed (and before any transaction opens)."""
    with deps.sessions() as session:
        row = channel_schedules.find(session, command.team_id, command.channel_id, kind)
        setter = row.created_by if row else None
    return setter not in (None, command.user_id) and is_admin(client, command.user_id)


def _announce(client: WebClient, channel_id: str, text: str) -> str:
    """Say the change in the channel; what to add to the private reply if Slack refused."""
    try:
        client.chat_postMessage(channel=channel_id, text=text, blocks=build_notice(text))
    except SlackApiError as exc:
        return " " + not_announced_text(str(exc.response.get("error")))
    return " I told the channel."


def _channel_problem(
    client: WebClient, channel_id: str, name: str, deps: Deps, team_id: str
) -> str | None:
    if channel_id.startswith("D"):
        return f"A {name} belongs in a channel, not a direct message."
    try:
        info = client.conversations_info(channel=channel_id)["channel"]
    except SlackApiError as exc:
        if exc.response.get("error") in {"channel_not_found", "not_in_channel"}:
            return INVITE.format(name=name)
        if exc.response.get("error") == "missing_scope":
            return None  # without channels:read, the first post finds out (and disables it)
        raise
    if deps.names is not None:  # the directory's name for the channel, for the exports
        deps.names.saw_channel(team_id, channel_id, info)
    if info.get("is_archived"):
        return "This channel is archived, so nothing can be posted here."
    if not info.get("is_member", False):
        return INVITE.format(name=name)
    return None
