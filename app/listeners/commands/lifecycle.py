"""`/decide edit|handoff|cancel|reopen|supersede|escalate <number> …`: the card, typed.

Changes are stored before the command is acknowledged (Slack does not retry commands); a
refusal (not theirs to change, no such decision in this workspace, no reason given) is the
acknowledgement itself, through the one error handler. `edit` and a `supersede` without a new
title open the prefilled form instead."""

from __future__ import annotations

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from app.blocks.lifecycle import lifecycle_done_text
from app.blocks.messages import build_notice
from app.domain import decisions, escalation, lifecycle
from app.domain.errors import InvalidInput
from app.listeners.commands import grammar_lifecycle as g
from app.listeners.deps import Deps
from app.listeners.lifecycle_flow import (
    admin_if_needed,
    after_change,
    open_lifecycle_form,
    supersede_and_post,
)
from app.listeners.payloads import CommandPayload
from app.listeners.people import decider_problem
from app.listeners.views.escalation import announce_escalation


def _done(respond: Respond, verb: str, decision) -> None:
    text = lifecycle_done_text(verb, decision)
    respond(response_type="ephemeral", text=text, blocks=build_notice(text))


def edit(intent: g.EditDecision, command: CommandPayload, client, respond, deps: Deps) -> None:
    open_lifecycle_form(client, deps, command, "edit", intent.decision_id)


def _change(verb: str, intent, command: CommandPayload, ack: Ack, client, respond, deps: Deps):
    admin = admin_if_needed(
        client, deps, command.team_id, intent.decision_id, verb, command.user_id
    )
    common = dict(
        team_id=command.team_id,
        decision_id=intent.decision_id,
        actor_id=command.user_id,
        now=deps.clock.now(),
        idempotency_key=f"command:{command.trigger_id}",
        is_admin=admin,
    )
    with deps.sessions.begin() as session:
        if verb == "cancel":
            decision, changed = lifecycle.cancel(session, reason=intent.reason, **common)
        elif verb == "reopen":
            decision, changed = lifecycle.reopen(session, reason=intent.reason, **common)
        else:
            decision, changed = lifecycle.hand_on(
                session, new_decider_id=intent.decider_id, reason=intent.reason, **common
            )
    ack()
    if changed:
        response_url = deps.trusted_response_url(command.response_url)
        after_change(client, deps, verb, decision, command.user_id, response_url)
        _done(respond, verb, decision)


def cancel(intent: g.CancelDecision, command, ack, client, respond, deps) -> None:
    _change("cancel", intent, command, ack, client, respond, deps)


def reopen(intent: g.ReopenDecision, command, ack, client, respond, deps) -> None:
    _change("reopen", intent, command, ack, client, respond, deps)


def handoff(intent: g.HandOn, command, ack, client, respond, deps) -> None:
    if problem := decider_problem(
        client, intent.decider_id, people=deps.people, team_id=command.team_id
    ):
        raise InvalidInput({"decider": problem})
    _change("handoff", intent, command, ack, client, respond, deps)


def supersede(
    intent: g.SupersedeDecision,
    command: CommandPayload,
    ack: Ack,
    client: WebClient,
    respond: Respond,
    deps: Deps,
) -> None:
    """With a title, declare the replacing decision at once; without, open the form."""
    if not intent.title:
        ack()
        open_lifecycle_form(client, deps, command, "supersede", intent.decision_id)
        return
    if intent.decider_id and (
        problem := decider_problem(
            client, intent.decider_id, people=deps.people, team_id=command.team_id
        )
    ):
        raise InvalidInput({"decider": problem})
    admin = admin_if_needed(
        client, deps, command.team_id, intent.decision_id, "supersede", command.user_id
    )
    with deps.sessions() as session:
        old = decisions.get_decision(session, command.team_id, intent.decision_id)
    declaration = decisions.Declaration(
        title=intent.title, channel_id=old.channel_id, decider_id=intent.decider_id, zone=old.zone
    )
    new = supersede_and_post(
        client,
        deps,
        team_id=command.team_id,
        team_domain=command.team_domain,
        decision_id=intent.decision_id,
        declaration=declaration,
        actor_id=command.user_id,
        origin_key=f"command:{command.trigger_id}",
        admin=admin,
        stored=ack,
        response_url=deps.trusted_response_url(command.response_url),
    )
    if new is not None:
        _done(respond, "supersede", new)


def escalate(intent: g.EscalateDecision, command, ack, client, respond, deps: Deps) -> None:
    """Escalate one zone up from the card's own channel (the command's channel, as Slack
    signed it, is what shows the person can see the card); told like the form's escalation."""
    now = deps.clock.now()
    with deps.sessions.begin() as session:
        decision, changed = escalation.escalate(
            session,
            team_id=command.team_id,
            decision_id=intent.decision_id,
            actor_id=command.user_id,
            reason=intent.reason,
            now=now,
            idempotency_key=f"command:{command.trigger_id}",
            seen_from=command.channel_id,
        )
        contact = escalation.contact_for(session, decision)
        told = escalation.told_of_escalation(session, decision, command.user_id, now)
    ack()
    if changed:
        announce_escalation(client, decision, command.user_id, intent.reason, contact, told)
        _done(respond, "escalate", decision)
