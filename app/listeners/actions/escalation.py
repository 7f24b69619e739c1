"""Card buttons Escalate, Return to local and Consensus check, and the check's Agree/Object.

The check and its answers are stored before the click is acknowledged (app.listeners.acks):
Slack does not retry clicks, so an acknowledged click must already have its effect."""

from __future__ import annotations

from slack_bolt import Ack, App
from slack_sdk import WebClient

from app import ids
from app.blocks.escalation import (
    build_consensus_check,
    build_escalate_modal,
    consensus_question,
)
from app.domain import consensus, decisions, escalation
from app.listeners.acks import acknowledged_if_it_fails
from app.listeners.deps import Deps
from app.listeners.payloads import BlockActions, plain_id
from app.listeners.people import is_admin
from app.posting.cards import refresh_card
from app.posting.consensus import post_consensus_check
from app.posting.send import update_message


def escalate(ack: Ack, click: BlockActions, deps: Deps, client: WebClient) -> None:
    """Open the escalation form, if the decision can still go one zone higher."""
    ack()
    with deps.sessions() as session:
        decision = decisions.get_decision(session, click.team_id, plain_id(click.action.value))
        target = escalation.check_can_escalate(decision, click.user.id, click.channel_id)
    deps.open_form(client, click, build_escalate_modal(decision, target))


def return_to_local(ack: Ack, click: BlockActions, deps: Deps, client: WebClient) -> None:
    """Bring an escalated decision back to the local zone: its decider or an admin only.
    Stored before the click is acknowledged; Slack is asked who is an admin before either."""
    with acknowledged_if_it_fails(ack):
        admin = is_admin(client, click.user.id)
        decision, changed = _return_to_local(click, deps, admin)
    ack()
    if changed:
        refresh_card(client, decision)


def _return_to_local(click: BlockActions, deps: Deps, admin: bool):
    with deps.sessions.begin() as session:
        return escalation.return_to_local(
            session,
            team_id=click.team_id,
            decision_id=plain_id(click.action.value),
            actor_id=click.user.id,
            is_admin=admin,
            now=deps.clock.now(),
            idempotency_key=f"click:{click.trigger_id}",
        )


def ask_consensus(ack: Ack, click: BlockActions, deps: Deps, client: WebClient) -> None:
    with acknowledged_if_it_fails(ack):
        post_consensus_check(
            client,
            deps.sessions,
            team_id=click.team_id,
            decision_id=plain_id(click.action.value),
            actor_id=click.user.id,
            origin_key=f"click:{click.trigger_id}",
            now=deps.clock.now(),
            stored=ack,  # the check is stored: acknowledge before asking the thread
        )
    ack()  # this click had asked already: nothing new to store


def agree(ack: Ack, click: BlockActions, deps: Deps, client: WebClient) -> None:
    answer_consensus(ack, click, deps, client, agree=True)


def object_(ack: Ack, click: BlockActions, deps: Deps, client: WebClient) -> None:
    answer_consensus(ack, click, deps, client, agree=False)


def answer_consensus(
    ack: Ack, click: BlockActions, deps: Deps, client: WebClient, *, agree: bool
) -> None:
    """Count the answer once, then acknowledge, then redraw the check, and the card when
    someone objected."""
    with acknowledged_if_it_fails(ack), deps.sessions.begin() as session:
        check, decision, counted = consensus.answer(
            session,
            team_id=click.team_id,
            check_id=plain_id(click.action.value),
            user_id=click.user.id,
            agree=agree,
            now=deps.clock.now(),
        )
        agreed = [v.user_id for v in consensus.votes(session, click.team_id, check.id) if v.agree]
    ack()
    if not counted:
        return
    if check.message_ts:
        objector = None if agree else click.user.id
        blocks = build_consensus_check(check.id, check.decider_id, agreed, objector)
        question = consensus_question(check.decider_id)
        update_message(client, decision.channel_id, check.message_ts, question, blocks)
    if not agree:
        refresh_card(client, decision)


def register(app: App, deps: Deps) -> None:
    app.action(ids.ESCALATE)(escalate)
    app.action(ids.DEESCALATE)(return_to_local)
    app.action(ids.CONSENSUS_CHECK)(ask_consensus)
    app.action(ids.CONSENSUS_AGREE)(agree)
    app.action(ids.CONSENSUS_OBJECT)(object_)
