"""Deadlines: when one passes on an open decision, the pre-agreed tiebreaker names who decides."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Decision, ExpertisePoll
from app.domain import decisions, ledger, permissions, rotation_service, steward
from app.domain.polls import Choice, Outcome, who_decides
from app.vocabulary import Action, PollStatus

KIND = "deadline"


def due_nudges(session: Session, now: datetime) -> list[tuple[str, int]]:
    """(team, decision) of open decisions whose deadline passed and that were not nudged yet."""
    rows = session.execute(
        select(Decision.team_id, Decision.id)
        .where(
            Decision.status.in_(decisions.RESOLVABLE),
            Decision.deadline.is_not(None),
            Decision.deadline <= now,
            ~ledger.done(KIND, Decision.team_id, Decision.id),
        )
        .order_by(Decision.deadline)
    )
    return [(team, decision_id) for team, decision_id in rows]


def asks_the_decider(decision: Decision) -> bool:
    """A passed deadline on a decision that has a decider asks that decider to decide or hand
    it on; only one with nobody named is settled by the tiebreaker (which never replaces a
    decider: see permissions, APPLY_TIEBREAKER)."""
    return decision.decider_id is not None


def tiebreaker_choice(session: Session, decision: Decision, now: datetime) -> tuple[str, Choice]:
    """(who decides, how the rule chose them) by the decision's tiebreaker rule, using its
    latest closed poll."""
    poll = session.scalars(
        select(ExpertisePoll)
        .where(
            ExpertisePoll.team_id == decision.team_id,
            ExpertisePoll.decision_id == decision.id,
            ExpertisePoll.status == PollStatus.CLOSED,
        )
        .order_by(ExpertisePoll.closed_at.desc())
        .limit(1)
    ).one_or_none()
    leader = Outcome.from_json(poll.result).decider if poll is not None and poll.result else None
    return who_decides(
        decision.tiebreaker,
        decision.created_by,
        leader,
        steward=steward.current(session, decision.team_id, now),
        rotation_lead=rotation_service.channel_lead(
            session, decision.team_id, decision.channel_id, now
        ),
    )


def apply_tiebreaker(
    session: Session, *, team_id: str, decision_id: int, actor_id: str, now: datetime
) -> tuple[Decision, bool]:
    """Make the tiebreaker's person the decider; only the opener may. Returns (decision,
    changed); a second click changes nothing."""
    decision = decisions.get_decision(session, team_id, decision_id)
    key = f"tiebreaker:{decision_id}"
    if decisions.event_exists(session, team_id, key):
        return decision, False
    permissions.check(
        Action.APPLY_TIEBREAKER, permissions.Actor(actor_id), permissions.about(decision)
    )
    decider, why = tiebreaker_choice(session, decision, now)
    decisions.set_decider(
        session,
        decision,
        decider,
        actor_id=actor_id,
        now=now,
        via={"via": "tiebreaker", "rule": decision.tiebreaker.value, "chose": why.role},
        idempotency_key=key,
        rule=why.role,
    )
    return decision, True
