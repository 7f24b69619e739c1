"""Posting and refreshing decision cards.

Why apart: a card is posted only after its decision is committed, exactly once whoever posts
it (the request that stored the decision, or the sweep repairing a crash: app.jobs.cards),
and the decision is discarded if Slack refuses it; that order is the card's own rule, kept
next to the post that needs it.
"""

from __future__ import annotations

import hashlib
import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session, sessionmaker

from app.blocks.cards import build_decision_card, card_text
from app.db.models import Decision
from app.domain import decisions, ledger
from app.domain.clock import Clock, SystemClock
from app.domain.errors import NotFound
from app.posting.claimed import Unanswered, claim, post_claimed
from app.posting.deciders import decider_problem
from app.posting.send import explain_slack_error, update_message

log = logging.getLogger(__name__)

CARD = "card"  # the ledger kind of a decision's card


class CardNotPosted(Exception):
    """Slack refused the card; the decision was not kept. The message is for the user."""


def card_occurrence(decision: Decision) -> str:
    """The card's ledger occurrence: the decision's origin, so a reused row id (SQLite) never
    meets an older decision's ledger row."""
    return hashlib.sha256(decision.origin_key.encode()).hexdigest()[:32]


def publish_card(
    client: WebClient,
    sessions: sessionmaker[Session],
    clock: Clock,
    team_id: str,
    decision_id: int,
    *,
    vet: bool = False,
) -> Decision | None:
    """Post a stored decision's card exactly once, and remember where it is.

    Returns the decision with its card, or None when someone else holds the card's ledger claim
    (or the decision is gone). With `vet`, the decider is first checked with users.info. If the
    decider cannot hold it or Slack refuses the card, the unseen decision is discarded, the
    ledger row is marked skipped (never retried) and CardNotPosted says why. If Slack never
    answers, the claim stays and the sweep posts the card once its lease has passed.
    """
    with sessions.begin() as session:
        try:
            decision = decisions.get_decision(session, team_id, decision_id)
        except NotFound:
            return None  # discarded meanwhile
        if decision.card_ts is not None:
            return decision
        held = claim(
            session,
            clock,
            team_id=team_id,
            kind=CARD,
            subject=str(decision_id),
            occurrence=card_occurrence(decision),
        )
    if held is None:
        return None
    if vet and decision.decider_id and (problem := decider_problem(client, decision.decider_id)):
        _give_up(sessions, clock, team_id, decision_id, held.post_id)
        raise CardNotPosted(problem + " Nothing was saved.")
    try:
        posted = post_claimed(
            client,
            sessions,
            clock,
            held,
            channel=decision.channel_id,
            thread_ts=decision.thread_ts,
            text=card_text(decision),
            blocks=build_decision_card(decision),
            unfurl_links=False,
        )
    except SlackApiError as exc:
        _give_up(sessions, clock, team_id, decision_id, held.post_id)
        raise CardNotPosted(explain_slack_error(exc) + " Nothing was saved.") from exc
    except Unanswered as exc:
        log.warning(
            "card of decision %s: Slack did not answer (%s); the sweep retries", decision_id, exc
        )
        return None
    if posted is None:
        return None
    ts = str(posted["ts"])
    permalink = None
    try:
        permalink = client.chat_getPermalink(channel=decision.channel_id, message_ts=ts).get(
            "permalink"
        )
    except SlackApiError as exc:
        log.warning("no permalink for decision %s: %s", decision_id, exc.response.get("error"))
    with sessions.begin() as session:
        ledger.finish(session, held.post_id, now=clock.now(), ts=ts, channel_id=decision.channel_id)
        return decisions.attach_card(
            session, team_id=team_id, decision_id=decision_id, card_ts=ts, permalink=permalink
        )


def post_card(
    client: WebClient,
    sessions: sessionmaker[Session],
    team_id: str,
    decision_id: int,
    clock: Clock | None = None,
) -> Decision | None:
    """Post a new decision's card whose decider was already vetted (see publish_card)."""
    return publish_card(client, sessions, clock or SystemClock(), team_id, decision_id)


def _give_up(
    sessions: sessionmaker[Session], clock: Clock, team_id: str, decision_id: int, post_id: int
) -> None:
    """Nobody ever saw this decision: drop it, and mark its card skipped so no sweep retries."""
    with sessions.begin() as session:
        decisions.discard_unposted(session, team_id, decision_id)
        ledger.finish(session, post_id, now=clock.now(), status=ledger.SKIPPED)


def refresh_card(client: WebClient, decision: Decision) -> bool:
    """Redraw the card in place. False when Slack refused (the database change still stands)."""
    if not decision.card_ts:
        return False
    return update_message(
        client,
        decision.channel_id,
        decision.card_ts,
        card_text(decision),
        build_decision_card(decision),
        what=f"card of decision {decision.id}",
    )
