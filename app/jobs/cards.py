"""Repairing what a crash left unposted: decision cards and polls stored but never posted.

Why a sweep: commands and forms store their effect before they are acknowledged (Slack does
not retry them), and post afterwards; a process killed in between leaves a decision with no
card. This sweep posts each one exactly once: the request and the sweep claim the same ledger
row (app.posting.claimed), so they never both post. A claim left by a killed process is taken
over after its short lease, and this sweep runs every CARD_SWEEP_SECONDS (and with every other
sweep at start-up), so a missing card appears within a minute of a restart.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from app import jobs
from app.domain import decisions, lifecycle, poll_service
from app.posting.cards import CardNotPosted, publish_card, refresh_card
from app.posting.polls import publish_poll
from app.posting.send import tell

log = logging.getLogger(__name__)

# Leave a fresh decision to the request that stored it (it tells its person directly).
GRACE = timedelta(seconds=5)


def post_missing_cards() -> int:
    """Post every stored card and poll that was never posted; returns how many were posted.

    The decider is vetted as the request would have; a card Slack refuses, or whose decider
    cannot hold it, is skipped for good, its unseen decision discarded and its opener told."""
    context = jobs.installed()
    with context.sessions() as session:
        missing = decisions.without_card(session, context.clock.now() - GRACE)
    posted = 0
    for team_id, decision_id, opener, channel_id in missing:
        try:
            client = context.client_for(team_id)
            try:
                card = publish_card(
                    client,
                    context.sessions,
                    context.clock,
                    team_id,
                    decision_id,
                    vet=True,
                    people=context.people,
                    urls=context.urls,
                )
            except CardNotPosted as exc:
                log.info("decision %s of team %s was not kept: %s", decision_id, team_id, exc)
                tell(client, user_id=opener, channel_id=channel_id, text=str(exc))
                continue
            if card is not None and card.card_ts is not None:
                posted += 1
                _link_replaced(context, client, team_id, card)
        except Exception:
            log.exception("could not post the card of decision %s of team %s", decision_id, team_id)
    with context.sessions() as session:
        polls = poll_service.without_message(session, context.clock.now() - GRACE)
    for team_id, poll_id, opener in polls:
        try:
            client = context.client_for(team_id)
            try:
                if publish_poll(client, context.sessions, context.clock, team_id, poll_id):
                    posted += 1
            except CardNotPosted as exc:
                tell(client, user_id=opener, text=str(exc))
        except Exception:
            log.exception("could not post poll %s of team %s", poll_id, team_id)
    return posted


def _link_replaced(context: jobs.JobContext, client, team_id: str, card) -> None:
    """A superseding card posted here: the card it replaces links to it now."""
    if card.supersedes_id is None:
        return
    with context.sessions.begin() as session:
        replaced = lifecycle.link_successor(session, team_id, card.id)
    if replaced is not None:
        refresh_card(client, replaced)
