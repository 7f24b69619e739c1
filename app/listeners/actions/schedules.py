"""Clicks on scheduled posts: claim or hand out a decision from the deference check, pick an
outcome in a review DM, answer a retrospective anonymously, apply a deadline's tiebreaker."""

from __future__ import annotations

import re

from slack_bolt import Ack, App
from slack_sdk import WebClient

from app import ids
from app.blocks.messages import build_notice
from app.blocks.replies import tiebreaker_applied_text
from app.blocks.reviews import build_outcome_modal, build_retro_modal
from app.blocks.schedules import build_checkin, checkin_text
from app.domain import checkins, deadlines, outcomes, retros
from app.domain.errors import NotAllowed
from app.listeners.acks import acknowledged_if_it_fails
from app.listeners.deps import Deps
from app.listeners.payloads import BadPayload, BlockActions, plain_id
from app.listeners.people import decider_problem
from app.posting.cards import refresh_card
from app.posting.send import update_message


def claim(ack: Ack, click: BlockActions, deps: Deps, client: WebClient) -> None:
    """Take a decision from the deference check yourself."""
    assign(ack, click, deps, client, plain_id(click.action.value), click.user.id)


def hand_to(ack: Ack, click: BlockActions, deps: Deps, client: WebClient) -> None:
    """Give a decision from the deference check to the person picked."""
    decision_id = plain_id((click.action.block_id or "").removeprefix(ids.CHECKIN_ASSIGN_BLOCK))
    decider = click.action.selected_user
    if not decider:
        ack()
        return
    with acknowledged_if_it_fails(ack):
        # One users.info before the ack: an invalid decider must never be stored.
        if problem := decider_problem(client, decider, people=deps.people, team_id=click.team_id):
            raise NotAllowed(problem)
    assign(ack, click, deps, client, decision_id, decider)


def assign(
    ack: Ack, click: BlockActions, deps: Deps, client: WebClient, decision_id: int, decider: str
) -> None:
    """Store the new decider, then acknowledge, then redraw the card and the check-in."""
    with acknowledged_if_it_fails(ack), deps.sessions.begin() as session:
        decision, changed = checkins.assign_decider(
            session,
            team_id=click.team_id,
            decision_id=decision_id,
            actor_id=click.user.id,
            decider_id=decider,
            now=deps.clock.now(),
            channel_id=click.container.channel_id,
            message_ts=click.container.message_ts,
            idempotency_key=f"checkin:{click.container.message_ts}:{decision_id}",
        )
    ack()
    if not changed:
        return
    refresh_card(client, decision)
    channel, ts = click.container.channel_id, click.container.message_ts
    if channel and ts:
        with deps.sessions() as session:
            found = checkins.open_decisions(session, click.team_id, channel)
        blocks = build_checkin(found, deps.clock.now())
        update_message(client, channel, ts, checkin_text(len(found)), blocks)


def pick_outcome(ack: Ack, click: BlockActions, deps: Deps, client: WebClient) -> None:
    """Open the outcome form for the decider, with the outcome they clicked."""
    ack()
    outcome = click.action.action_id.removeprefix(ids.OUTCOME_PICK)
    with deps.sessions() as session:
        decision = outcomes.review_form(
            session, click.team_id, plain_id(click.action.value), click.user.id
        )
    deps.open_form(client, click, build_outcome_modal(decision, outcome))


def answer_retro(ack: Ack, click: BlockActions, deps: Deps, client: WebClient) -> None:
    ack()
    post_id = plain_id(click.action.value)
    with deps.sessions() as session:
        retros.check_is_retro(session, click.team_id, post_id)
    deps.open_form(client, click, build_retro_modal(post_id))


def apply_tiebreaker(ack: Ack, click: BlockActions, deps: Deps, client: WebClient) -> None:
    with acknowledged_if_it_fails(ack), deps.sessions.begin() as session:
        decision, changed = deadlines.apply_tiebreaker(
            session,
            team_id=click.team_id,
            decision_id=plain_id(click.action.value),
            actor_id=click.user.id,
            now=deps.clock.now(),
        )
    ack()
    if not changed:
        return
    refresh_card(client, decision)
    channel, ts = click.container.channel_id, click.container.message_ts
    if not (channel and ts):
        raise BadPayload("the click came from no message")
    text = tiebreaker_applied_text(decision.decider_id, decision.title, click.user.id)
    update_message(client, channel, ts, text, build_notice(text))


def register(app: App, deps: Deps) -> None:
    app.action(ids.CHECKIN_CLAIM)(claim)
    app.action(ids.CHECKIN_ASSIGN)(hand_to)
    app.action(re.compile(ids.OUTCOME_PICK_PATTERN))(pick_outcome)
    app.action(ids.RETRO_ANSWER)(answer_retro)
    app.action(ids.APPLY_TIEBREAKER)(apply_tiebreaker)
