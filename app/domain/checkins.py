"""The stand-up deference check: what is open in a channel, and giving a decision a decider."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Decision
from app.domain import decisions
from app.domain.errors import NotAllowed, Person, UserText

QUESTION = "For today's decisions, who has authority?"


def open_decisions(session: Session, team_id: str, channel_id: str) -> list[Decision]:
    """The channel's open and escalated decisions, those with a deadline first (soonest)."""
    rows = session.scalars(
        select(Decision)
        .where(
            Decision.team_id == team_id,
            Decision.channel_id == channel_id,
            Decision.status.in_(decisions.RESOLVABLE),
        )
        .order_by(Decision.deadline.is_(None), Decision.deadline, Decision.created_at)
    )
    return list(rows)


def assign_decider(
    session: Session,
    *,
    team_id: str,
    decision_id: int,
    actor_id: str,
    decider_id: str,
    now: datetime,
    idempotency_key: str,
) -> tuple[Decision, bool]:
    """Claim (decider = actor) or hand a decision that has no decider to someone.

    Only a decision with no decider can be taken this way: a decider already named is changed
    on the card, with a trace, never from a stand-up prompt. Returns (decision, changed).
    """
    decision = decisions.get_decision(session, team_id, decision_id)
    if decisions.event_exists(session, team_id, idempotency_key):
        return decision, False
    if decision.status not in decisions.RESOLVABLE:
        raise NotAllowed(f"“{decision.title}” is already {decision.status.value}.")
    if decision.decider_id is not None:
        raise NotAllowed(
            "{decider} already decides “{title}”.",
            decider=Person(decision.decider_id),
            title=UserText(decision.title),
        )
    decisions.set_decider(
        session,
        decision,
        decider_id,
        actor_id=actor_id,
        now=now,
        via={"via": "checkin"},
        idempotency_key=idempotency_key,
    )
    return decision, True


def recent_in_team(session: Session, team_id: str, limit: int = 50) -> list[Decision]:
    """The team's newest decisions, for pickers (a report may be about one)."""
    return list(
        session.scalars(
            select(Decision)
            .where(Decision.team_id == team_id)
            .order_by(Decision.created_at.desc(), Decision.id.desc())
            .limit(limit)
        )
    )
