"""Clicks on an expertise poll: rate yourself, nominate someone, close early, adopt the result.

Each changes state through the domain in a short session and acknowledges after it is stored
(app.listeners.acks), then redraws; the domain
re-checks team and user, and a click delivered twice changes state once (unique ballot key,
compare-and-set closing, idempotent adoption).
"""

from __future__ import annotations

import re

from slack_bolt import Ack, App
from slack_sdk import WebClient

from app import ids
from app.blocks.polls import build_poll_modal
from app.domain import decisions, poll_service
from app.domain.errors import NotAllowed
from app.listeners.acks import acknowledged_if_it_fails
from app.listeners.deps import Deps
from app.listeners.payloads import BlockActions, plain_id
from app.listeners.people import decider_problem
from app.posting.cards import refresh_card
from app.posting.home import republish_homes
from app.posting.polls import redraw_poll


def run_poll(ack: Ack, click: BlockActions, deps: Deps, client: WebClient) -> None:
    """Open the poll options form for a decision that can still be polled."""
    ack()
    decision_id = plain_id(click.action.value)
    with deps.sessions() as session:
        decision = decisions.get_decision(session, click.team_id, decision_id)
        poll_service.check_can_poll(session, decision, click.user.id)
    metadata = {"decision_id": decision_id}
    if url := deps.trusted_response_url(click.response_url):
        metadata["response_url"] = url
    deps.open_form(client, click, build_poll_modal(metadata))


def rate(ack: Ack, click: BlockActions, deps: Deps, client: WebClient) -> None:
    rating = int(click.action.action_id.removeprefix(ids.POLL_RATE))
    vote(ack, click, deps, client, plain_id(click.action.value), rating=rating)


def nominate(ack: Ack, click: BlockActions, deps: Deps, client: WebClient) -> None:
    poll_id = plain_id((click.action.block_id or "").removeprefix("poll.nominate."))
    nominee = click.action.selected_user
    if not nominee:
        ack()
        return  # the picker was cleared: nothing to count
    with acknowledged_if_it_fails(ack):
        # One users.info before the ack: an invalid nominee must never be stored.
        if problem := decider_problem(client, nominee, people=deps.people, team_id=click.team_id):
            raise NotAllowed(problem)
    vote(ack, click, deps, client, poll_id, nominee=nominee)


def vote(
    ack: Ack, click: BlockActions, deps: Deps, client: WebClient, poll_id: int, **choice
) -> None:
    """Store the ballot, then acknowledge, then redraw."""
    with acknowledged_if_it_fails(ack), deps.sessions.begin() as session:
        poll_service.cast_vote(
            session,
            team_id=click.team_id,
            poll_id=poll_id,
            user_id=click.user.id,
            now=deps.clock.now(),
            **choice,
        )
    ack()
    redraw_poll(client, deps.sessions, click.team_id, poll_id, deps.people)


def close(ack: Ack, click: BlockActions, deps: Deps, client: WebClient) -> None:
    poll_id = plain_id(click.action.value)
    with acknowledged_if_it_fails(ack), deps.sessions.begin() as session:
        _poll, changed = poll_service.close_poll(
            session,
            team_id=click.team_id,
            poll_id=poll_id,
            now=deps.clock.now(),
            actor_id=click.user.id,
        )
    ack()
    if changed:
        redraw_poll(client, deps.sessions, click.team_id, poll_id, deps.people)


def adopt(ack: Ack, click: BlockActions, deps: Deps, client: WebClient) -> None:
    poll_id = plain_id(click.action.value)
    with acknowledged_if_it_fails(ack), deps.sessions.begin() as session:
        poll = poll_service.get_poll(session, click.team_id, poll_id)
        before = decisions.get_decision(session, click.team_id, poll.decision_id).decider_id
        decision, _poll, changed = poll_service.adopt_result(
            session,
            team_id=click.team_id,
            poll_id=poll_id,
            actor_id=click.user.id,
            now=deps.clock.now(),
        )
    ack()
    if changed:
        refresh_card(client, decision)
        redraw_poll(client, deps.sessions, click.team_id, poll_id, deps.people)
        deciders = [before, decision.decider_id]  # from one's open decisions to the other's
        republish_homes(client, deps.home_reads, click.team_id, deciders)


def register(app: App, deps: Deps) -> None:
    app.action(ids.RUN_POLL)(run_poll)
    app.action(re.compile(ids.POLL_RATE_PATTERN))(rate)
    app.action(ids.POLL_NOMINATE)(nominate)
    app.action(ids.POLL_CLOSE)(close)
    app.action(ids.POLL_ADOPT)(adopt)
