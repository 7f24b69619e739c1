"""Card buttons Escalate, Return to local and Consensus check, and the check's Agree/Object."""

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
    """Bring an escalated decision back to the local zone: its decider or an admin only."""
    ack()
    admin = is_admin(client, click.user.id)  # asked of Slack before the transaction opens
    with deps.sessions.begin() as session:
        decision, changed = escalation.return_to_local(
            session,
            team_id=click.team_id,
            decision_id=plain_id(click.action.value),
            actor_id=click.user.id,
            is_admin=admin,
            now=deps.clock.now(),
            idempotency_key=f"click:{click.trigger_id}",
        )
    if changed:
        refresh_card(client, decision)


def ask_consensus(ack: Ack, click: BlockActions, deps: Deps, client: WebClient) -> None:
    ack()
    post_consensus_check(
        client,
        deps.sessions,
        team_id=click.team_id,
        decision_id=plain_id(click.action.value),
        actor_id=click.user.id,
        origin_key=f"click:{click.trigger_id}",
        now=deps.clock.now(),
    )


def agree(ack: Ack, click: BlockActions, deps: Deps, client: WebClient) -> None:
    ack()
    answer_consensus(click, deps, client, agree=True)


def object_(ack: Ack, click: BlockActions, deps: Deps, client: WebClient) -> None:
    ack()
    answer_consensus(click, deps, client, agree=False)


def answer_consensus(click: BlockActions, deps: Deps, client: WebClient, *, agree: bool) -> None:
    """Count the answer once, redraw the check, and the card when someone objected."""
    with deps.sessions.begin() as session:
        check, decision, counted = consensus.answer(
            session,
            team_id=click.team_id,
            check_id=plain_id(click.action.value),
            user_id=click.user.id,
            agree=agree,
            now=deps.clock.now(),
        )
        agreed = [v.user_id for v in consensus.votes(session, click.team_id, check.id) if v.agree]
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
