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

from app import ids
from app.blocks.card_events import card_metadata
from app.blocks.cards import build_decision_card, card_text
from app.blocks.slack_errors import refusal_text
from app.db.models import Decision
from app.domain import decisions, ledger, lifecycle
from app.domain.clock import Clock, SystemClock
from app.domain.errors import NotFound
from app.posting.claimed import (
    FRESH_MARGIN,
    LEASE,
    Claim,
    Unanswered,
    claim,
    claim_fresh,
    find_earlier_post,
    post_claimed,
)
from app.posting.deciders import decider_problem
from app.posting.people import People
from app.posting.permalinks import WorkspaceUrls, permalink
from app.posting.send import explain_slack_error, slack_error_code, update_message

log = logging.getLogger(__name__)

CARD = "card"  # the ledger kind of a decision's card


class CardNotPosted(Exception):
    """Slack refused the card; the decision was not kept. The message is for the user.

    `code` and `channel_id` let a listener that knows the conversation's `channel_name`
    (commands and shortcuts carry it) word the advice for that conversation."""

    def __init__(
        self, message: str, code: str | None = None, channel_id: str | None = None, tail: str = ""
    ) -> None:
        super().__init__(message)
        self.code, self.channel_id, self.tail = code, channel_id, tail

    def said_in(self, channel_name: str | None) -> str:
        """The message, worded for the conversation named `channel_name`."""
        if self.code is None:
            return str(self)
        return f"{refusal_text(self.code, self.channel_id, channel_name)}{self.tail}"


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
    people: People | None = None,
    urls: WorkspaceUrls | None = None,
) -> Decision | None:
    """Post a stored decision's card exactly once, and remember where it is.

    Returns the decision with its card, or None when someone else holds the card's ledger claim
    (or the decision is gone). With `vet`, the decider is first checked with users.info. If the
    decider cannot hold it or Slack refuses the card, the unseen decision is discarded, the
    ledger row is marked skipped (never retried) and CardNotPosted says why. If Slack never
    answers, the claim stays and the sweep posts the card once its lease has passed.
    `people` and `urls` are the process's caches (users.info, the workspace's URL for the
    permalink); without them each call asks Slack afresh.
    """
    with sessions.begin() as session:
        try:
            decision = decisions.get_decision(session, team_id, decision_id)
        except NotFound:
            return None  # discarded meanwhile
        if decision.card_ts is not None:
            return decision
        held = claim_card(session, clock, decision)
    if held is None:
        return None
    return publish_claimed_card(
        client, sessions, clock, decision, held, vet=vet, people=people, urls=urls
    )


def claim_card(
    session: Session, clock: Clock, decision: Decision, *, created_here: bool = False
) -> Claim | None:
    """Claim the right to post the decision's card (app.posting.claimed). A request that stores
    a new decision claims its card in that same transaction (`created_here`: one INSERT, and
    one write transaction fewer per command), then posts it with publish_claimed_card."""
    where = dict(
        team_id=decision.team_id,
        kind=CARD,
        subject=str(decision.id),
        occurrence=card_occurrence(decision),
    )
    if created_here:
        return claim_fresh(session, clock, **where)
    return claim(session, clock, **where)


def publish_claimed_card(
    client: WebClient,
    sessions: sessionmaker[Session],
    clock: Clock,
    decision: Decision,
    held: Claim,
    *,
    vet: bool = False,
    people: People | None = None,
    urls: WorkspaceUrls | None = None,
) -> Decision | None:
    """publish_card's second half, under a claim the caller already holds."""
    urls = urls or WorkspaceUrls()
    team_id, decision_id = decision.team_id, decision.id
    if held.taken_over and (ts := _earlier_card(client, decision)) is not None:
        log.info("decision %s: the card a cut-off attempt posted is kept", decision_id)
        return _attach(
            sessions, clock, team_id, decision, held.post_id, ts, urls.url_for(client, team_id)
        )
    if (
        vet
        and decision.decider_id
        and (
            problem := decider_problem(client, decision.decider_id, people=people, team_id=team_id)
        )
    ):
        _give_up(sessions, clock, team_id, decision_id, held.post_id)
        raise CardNotPosted(problem + " Nothing was saved.")
    try:
        posted = post_claimed(
            client,
            sessions,
            clock,
            held,
            # A fresh claim needs no renewal before its first attempt (a margin for clocks).
            lease=LEASE - FRESH_MARGIN,
            channel=decision.channel_id,
            thread_ts=decision.thread_ts,
            text=card_text(decision),
            blocks=build_decision_card(decision),
            metadata=card_metadata(decision),
            unfurl_links=False,
        )
    except SlackApiError as exc:
        _give_up(sessions, clock, team_id, decision_id, held.post_id)
        tail = " Nothing was saved."
        raise CardNotPosted(
            explain_slack_error(exc, decision.channel_id) + tail,
            slack_error_code(exc),
            decision.channel_id,
            tail,
        ) from exc
    except Unanswered as exc:
        log.warning("card of decision %s: no answer (%s); the sweep retries", decision_id, exc)
        return None
    if posted is None:
        return None
    workspace_url = urls.url_for(client, team_id)  # known from the request: no call
    return _attach(
        sessions, clock, team_id, decision, held.post_id, str(posted["ts"]), workspace_url
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


def _attach(
    sessions: sessionmaker[Session],
    clock: Clock,
    team_id: str,
    decision: Decision,
    post_id: int,
    ts: str,
    workspace_url: str | None,
) -> Decision:
    """Record the card and its permalink at once (the shorter the gap after Slack's answer, the
    fewer cards a crash leaves for the read-back). The permalink is built, not asked for."""
    link = None
    if workspace_url is not None:
        link = permalink(workspace_url, decision.channel_id, ts, decision.thread_ts)
    with sessions.begin() as session:
        ledger.finish(session, post_id, now=clock.now(), ts=ts, channel_id=decision.channel_id)
        return decisions.attach_card(
            session, team_id=team_id, decision_id=decision.id, card_ts=ts, permalink=link
        )


def _earlier_card(client: WebClient, decision: Decision) -> str | None:
    """The card an attempt cut off by a crash posted, if Slack shows one (app.posting.claimed)."""
    return find_earlier_post(
        client,
        channel=decision.channel_id,
        thread_ts=decision.thread_ts,
        since=decision.created_at,
        button=(ids.RECORD_RESOLUTION, str(decision.id)),
        what=f"card of decision {decision.id}",
    )


def _give_up(
    sessions: sessionmaker[Session], clock: Clock, team_id: str, decision_id: int, post_id: int
) -> None:
    """Nobody ever saw this decision: drop it, and mark its card skipped so no sweep retries.
    A decision it was to supersede goes back to what it was (app.domain.lifecycle)."""
    with sessions.begin() as session:
        try:
            replaced = decisions.get_decision(session, team_id, decision_id).supersedes_id
        except NotFound:
            replaced = None
        decisions.discard_unposted(session, team_id, decision_id)
        if replaced is not None:
            lifecycle.undo_supersede(session, team_id, replaced, now=clock.now())
        ledger.finish(session, post_id, now=clock.now(), status=ledger.SKIPPED)


def refresh_card(client: WebClient, decision: Decision) -> bool:
    """Redraw the card in place, with the metadata event of its new status (decision_decided,
    decision_cancelled, ...). False when Slack refused (the database change still stands)."""
    if not decision.card_ts:
        return False
    return update_message(
        client,
        decision.channel_id,
        decision.card_ts,
        card_text(decision),
        build_decision_card(decision),
        what=f"card of decision {decision.id}",
        metadata=card_metadata(decision),
    )
