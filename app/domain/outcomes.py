"""Outcome reviews: some days after a decision is decided, its decider says how it turned out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Decision, ScheduledPost
from app.domain import decisions, ledger, permissions
from app.domain.errors import InvalidInput
from app.domain.text import clean
from app.vocabulary import Action, Status

KIND = "outcome"
OUTCOMES = {
    "worked": "Worked",
    "mixed": "Mixed",
    "did_not_work": "Did not work",
    "too_early": "Too early to tell",
}
NOTE_MAX = 3000


def due_reviews(session: Session, now: datetime, days: int) -> list[tuple[str, int]]:
    """(team, decision) of decided decisions at least `days` old, with no outcome yet and no
    review already sent. (Decisions decided before a resolution always named its decider are
    reviewed by their opener: `reviewer`.)"""
    rows = session.execute(
        select(Decision.team_id, Decision.id)
        .where(
            Decision.status == Status.DECIDED,
            Decision.outcome.is_(None),
            Decision.decided_at <= now - timedelta(days=days),
            ~ledger.done(KIND, Decision.team_id, Decision.id),
        )
        .order_by(Decision.decided_at)
    )
    return [(team, decision_id) for team, decision_id in rows]


def reviewer(decision: Decision) -> str:
    """Who is asked how a decision turned out: its decider (its opener for older rows that
    were decided with none)."""
    return decision.decider_id or decision.created_by


def review_schedule(
    session: Session, decided: Sequence[Decision], days: int
) -> dict[int, datetime | None]:
    """For each decided decision with no outcome yet: None when its outcome review DM was sent,
    else when it falls due, so a retrospective never promises a DM that does not exist yet."""
    missing = [d for d in decided if not d.outcome and d.status is Status.DECIDED]
    if not missing:
        return {}
    sent = set(
        session.scalars(
            select(ScheduledPost.subject).where(
                ScheduledPost.team_id == missing[0].team_id,
                ScheduledPost.kind == KIND,
                ScheduledPost.subject.in_([str(d.id) for d in missing]),
                ScheduledPost.status == ledger.SENT,
            )
        )
    )
    return {
        d.id: None if str(d.id) in sent else (d.decided_at or d.created_at) + timedelta(days=days)
        for d in missing
    }


def check_may_review(decision: Decision, actor_id: str) -> None:
    """Only the decider (or whoever opened the decision) says how it turned out."""
    subject = replace(permissions.about(decision), status=Status.DECIDED)  # status: below
    permissions.check(Action.RECORD_OUTCOME, permissions.Actor(actor_id), subject)


def review_form(session: Session, team_id: str, decision_id: int, actor_id: str) -> Decision:
    """The decision whose outcome this person is about to give, if they may give it."""
    decision = decisions.get_decision(session, team_id, decision_id)
    check_may_review(decision, actor_id)
    return decision


def record_outcome(
    session: Session,
    *,
    team_id: str,
    decision_id: int,
    actor_id: str,
    outcome: str,
    note: str | None,
    now: datetime,
    idempotency_key: str,
) -> tuple[Decision, bool]:
    """Store how a decision turned out. The decider (or its opener) may answer, and may answer
    again later (too early -> worked); each answer is an event. Returns (decision, changed)."""
    if outcome not in OUTCOMES:
        raise InvalidInput({"outcome": "Pick worked, mixed, did not work or too early."})
    note = clean(note) or None
    if note and len(note) > NOTE_MAX:
        raise InvalidInput({"note": f"Keep the note to {NOTE_MAX} characters."})
    decision = decisions.get_decision(session, team_id, decision_id)
    if decisions.event_exists(session, team_id, idempotency_key):
        return decision, False
    check_may_review(decision, actor_id)
    permissions.check(
        Action.RECORD_OUTCOME, permissions.Actor(actor_id), permissions.about(decision)
    )
    decision.outcome, decision.outcome_note = outcome, note
    session.flush()
    decisions.log_event(
        session,
        decision,
        "outcome_recorded",
        actor_id,
        now,
        detail={"outcome": outcome, "note": note},
        idempotency_key=idempotency_key,
    )
    return decision, True
