"""The card's Consensus check button, and the check's Agree, Object and Withdraw buttons.

The check and its answers are stored before the click is acknowledged (app.listeners.acks):
Slack does not retry clicks, so an acknowledged click must already have its effect. Object only
opens the form that asks why (app.listeners.views.consensus stores the objection)."""

from __future__ import annotations

from slack_bolt import Ack, App
from slack_sdk import WebClient

from app import ids
from app.blocks.escalation import build_objection_modal
from app.domain import consensus
from app.listeners.acks import acknowledged_if_it_fails
from app.listeners.deps import Deps
from app.listeners.payloads import BlockActions, plain_id
from app.posting.consensus import announce_withdrawal, post_consensus_check, redraw_check


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
    """Count the answer once, then acknowledge, then redraw the check."""
    with acknowledged_if_it_fails(ack), deps.sessions.begin() as session:
        check, _decision, counted = consensus.answer(
            session,
            team_id=click.team_id,
            check_id=plain_id(click.action.value),
            user_id=click.user.id,
            agree=True,
            now=deps.clock.now(),
        )
    ack()
    if counted:
        redraw_check(client, deps.sessions, click.team_id, check.id)


def object_(ack: Ack, click: BlockActions, deps: Deps, client: WebClient) -> None:
    """Ask why, if this person may still object: an objection is read on the card."""
    ack()
    with deps.sessions() as session:
        check, decision = consensus.check_may_answer(
            session, click.team_id, plain_id(click.action.value), click.user.id
        )
        view = build_objection_modal(check.id, check.decider_id, decision.title)
    deps.open_form(client, click, view)


def withdraw(ack: Ack, click: BlockActions, deps: Deps, client: WebClient) -> None:
    """The objector takes the objection back: stored, acknowledged, then shown and told."""
    with acknowledged_if_it_fails(ack), deps.sessions.begin() as session:
        check, decision, changed = consensus.withdraw(
            session,
            team_id=click.team_id,
            check_id=plain_id(click.action.value),
            user_id=click.user.id,
            now=deps.clock.now(),
        )
        restored = check.status == consensus.OPEN
    ack()
    if changed:
        redraw_check(client, deps.sessions, click.team_id, check.id)
        announce_withdrawal(client, decision, check.decider_id, click.user.id, restored)


def register(app: App, deps: Deps) -> None:
    app.action(ids.CONSENSUS_CHECK)(ask_consensus)
    app.action(ids.CONSENSUS_AGREE)(agree)
    app.action(ids.CONSENSUS_OBJECT)(object_)
    app.action(ids.CONSENSUS_WITHDRAW)(withdraw)
