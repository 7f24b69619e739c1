"""Outcome reviews and deadline nudges: sweeps only, driven by the ledger (no job per item).

Why sweeps: when a review or nudge falls due is computed from the decision (decided at, deadline),
so a job per item would have to be moved whenever the decision changes; the ledger makes a
second run, a second process or a restart post nothing twice.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from app import jobs
from app.blocks.polls import tiebreaker_words
from app.blocks.reviews import (
    build_deadline_nudge,
    build_outcome_request,
    deadline_text,
    outcome_request_text,
)
from app.domain import deadlines, decisions, outcomes
from app.installs import NotInstalled
from app.posting.scheduled import ChannelGone, Message, Slot, deliver

log = logging.getLogger(__name__)


def send_outcome_reviews() -> int:
    """DM each decider whose decision was decided OUTCOME_REVIEW_DAYS ago and has no outcome."""
    context = jobs.installed()
    now = context.clock.now()
    with context.sessions() as session:
        due = outcomes.due_reviews(session, now, context.outcome_review_days)

    def render(team_id: str, decision_id: int):
        def build(session: Session, _post_id: int) -> Message:
            decision = decisions.get_decision(session, team_id, decision_id)
            text = outcome_request_text(decision)
            return Message(outcomes.reviewer(decision), text, build_outcome_request(decision))

        return build

    return _deliver_all(context, outcomes.KIND, due, render)


def nudge_deadlines() -> int:
    """Post in each open decision's thread, once, that its deadline passed and who decides."""
    context = jobs.installed()
    now = context.clock.now()
    with context.sessions() as session:
        due = deadlines.due_nudges(session, now)

    def render(team_id: str, decision_id: int):
        def build(session: Session, _post_id: int) -> Message:
            decision = decisions.get_decision(session, team_id, decision_id)
            who = None
            if not deadlines.asks_the_decider(decision):
                _decider, choice = deadlines.tiebreaker_choice(session, decision, now)
                who = tiebreaker_words(choice)
            return Message(
                decision.channel_id,
                deadline_text(decision, who),
                build_deadline_nudge(decision, who),
                thread_ts=decision.thread_ts or decision.card_ts,
            )

        return build

    return _deliver_all(context, deadlines.KIND, due, render)


def _deliver_all(context: jobs.JobContext, kind: str, due, render) -> int:
    now = context.clock.now()
    done = 0
    for team_id, decision_id in due:
        slot = Slot(team_id, kind, str(decision_id))
        try:
            client = context.client_for(team_id)
            done += deliver(client, context.sessions, slot, now, render(team_id, decision_id))
        except ChannelGone as gone:
            log.warning("%s for decision %s skipped: %s", kind, decision_id, gone.error)
        except NotInstalled:
            log.info("%s for decision %s skipped: %s not installed", kind, decision_id, team_id)
    return done
