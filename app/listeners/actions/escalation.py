"""Card buttons Escalate and Return to local (the consensus check: actions/consensus.py)."""

from __future__ import annotations

from slack_bolt import Ack, App
from slack_sdk import WebClient

from app import ids
from app.blocks.escalation import build_escalate_modal
from app.domain import decisions, escalation
from app.listeners.acks import acknowledged_if_it_fails
from app.listeners.deps import Deps
from app.listeners.payloads import BlockActions, plain_id
from app.listeners.people import is_admin
from app.posting.cards import refresh_card


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


def register(app: App, deps: Deps) -> None:
    app.action(ids.ESCALATE)(escalate)
    app.action(ids.DEESCALATE)(return_to_local)
