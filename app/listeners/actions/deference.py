"""Card buttons Escalate and Consensus check, the check's Agree/Object, and charter edits."""

from __future__ import annotations

from slack_bolt import Ack, App
from slack_sdk import WebClient

from app import ids
from app.blocks.charter import build_charter_modal, build_values_modal
from app.blocks.escalation import build_consensus_check, build_escalate_modal
from app.domain import charter as charters
from app.domain import consensus, decisions, escalation, rotation_service
from app.listeners.acks import acknowledged_if_it_fails
from app.listeners.deps import Deps
from app.listeners.payloads import BlockActions, parse, plain_id
from app.listeners.people import is_admin
from app.posting.cards import refresh_card
from app.posting.consensus import post_consensus_check
from app.posting.send import update_message


def register(app: App, deps: Deps) -> None:
    @app.action(ids.ESCALATE)
    def escalate(ack: Ack, body: dict, client: WebClient) -> None:
        ack()
        click = parse(BlockActions, body)
        with deps.sessions() as session:
            decision = decisions.get_decision(session, click.team.id, plain_id(click.action.value))
            target = escalation.check_can_escalate(decision)
        client.views_open(trigger_id=click.trigger_id, view=build_escalate_modal(decision, target))

    @app.action(ids.CONSENSUS_CHECK)
    def ask(ack: Ack, body: dict, client: WebClient) -> None:
        with acknowledged_if_it_fails(ack):
            click = parse(BlockActions, body)
            post_consensus_check(
                client,
                deps.sessions,
                team_id=click.team.id,
                decision_id=plain_id(click.action.value),
                actor_id=click.user.id,
                origin_key=f"click:{click.trigger_id}",
                now=deps.clock.now(),
                stored=ack,  # the check is stored: acknowledge before asking the thread
            )
        ack()  # this click had asked already: nothing new to store

    def answer(ack: Ack, body: dict, client: WebClient, agree: bool) -> None:
        """Store the answer, then acknowledge, then redraw the check (and the card)."""
        with acknowledged_if_it_fails(ack):
            click = parse(BlockActions, body)
        with acknowledged_if_it_fails(ack), deps.sessions.begin() as session:
            check, decision, counted = consensus.answer(
                session,
                team_id=click.team.id,
                check_id=plain_id(click.action.value),
                user_id=click.user.id,
                agree=agree,
                now=deps.clock.now(),
            )
            agreed = [
                v.user_id for v in consensus.votes(session, click.team.id, check.id) if v.agree
            ]
            objector = None if agree else click.user.id
        ack()
        if not counted:
            return
        if check.message_ts:
            channel = decision.channel_id
            blocks = build_consensus_check(check.id, check.decider_id, agreed, objector)
            update_message(
                client, channel, check.message_ts, consensus.question(check.decider_id), blocks
            )
        if not agree:
            refresh_card(client, decision)

    @app.action(ids.CONSENSUS_AGREE)
    def agree(ack: Ack, body: dict, client: WebClient) -> None:
        answer(ack, body, client, True)

    @app.action(ids.CONSENSUS_OBJECT)
    def object_(ack: Ack, body: dict, client: WebClient) -> None:
        answer(ack, body, client, False)

    @app.action(ids.CHARTER_EDIT)
    def edit_charter(ack: Ack, body: dict, client: WebClient) -> None:
        ack()
        click = parse(BlockActions, body)
        team = click.team.id
        with deps.sessions.begin() as session:
            charter = charters.get(session, team, deps.clock.now())
            if not charters.may_edit(charter, click.user.id, False):
                charters.check_may_edit(
                    charter, click.user.id, is_admin(client, click.user.id), "the charter"
                )
            view = build_charter_modal(
                charter,
                charters.domains(session, team),
                rotation_service.in_team(session, team),
                charters.formal_leads(session, team),
            )
        client.views_open(trigger_id=click.trigger_id, view=view)

    @app.action(ids.VALUES_EDIT)
    def edit_values(ack: Ack, body: dict, client: WebClient) -> None:
        ack()
        click = parse(BlockActions, body)
        with deps.sessions.begin() as session:
            charter = charters.get(session, click.team.id, deps.clock.now())
            if not charters.may_edit(charter, click.user.id, False):
                charters.check_may_edit(
                    charter, click.user.id, is_admin(client, click.user.id), "the values"
                )
            view = build_values_modal(charter)
        client.views_open(trigger_id=click.trigger_id, view=view)
