"""Consensus checks: is everyone comfortable with the decider having final say?

One objection reopens the choice of decider: the decider is cleared, the decision is marked
reopened (the card says so) and the objection is logged. A vote is one row per person per
check under a unique key, so a click delivered twice counts once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db.models import ConsensusCheck, ConsensusVote, Decision
from app.domain import decisions
from app.domain.errors import NotAllowed, NotFound

OPEN, OBJECTED = "open", "objected"


def start(
    session: Session,
    *,
    team_id: str,
    decision_id: int,
    actor_id: str,
    now: datetime,
    origin_key: str,
) -> tuple[ConsensusCheck, bool]:
    """Open a check on the current decider. Returns (check, created)."""
    existing = _find_by_origin(session, team_id, origin_key)
    if existing is not None:
        return existing, False
    decision = decisions.get_decision(session, team_id, decision_id)
    if decision.status not in decisions.RESOLVABLE:
        raise NotAllowed(f"“{decision.title}” is already {decision.status.value}.")
    if decision.decider_id is None:
        raise NotAllowed("Name a decider first: a consensus check asks about a person.")
    check = ConsensusCheck(
        team_id=team_id,
        decision_id=decision_id,
        origin_key=origin_key,
        decider_id=decision.decider_id,
        status=OPEN,
        asked_by=actor_id,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(check)
            session.flush()
    except IntegrityError:
        existing = _find_by_origin(session, team_id, origin_key)
        if existing is None:
            raise
        return existing, False  # a copy delivered at the same moment opened it
    decisions.log_event(
        session, decision, "consensus_check", actor_id, now, detail={"decider": check.decider_id}
    )
    return check, True


def get(session: Session, team_id: str, check_id: int) -> ConsensusCheck:
    check = session.scalars(
        select(ConsensusCheck).where(
            ConsensusCheck.team_id == team_id, ConsensusCheck.id == check_id
        )
    ).one_or_none()
    if check is None:
        raise NotFound("That consensus check does not exist in this workspace.")
    return check


def answer(
    session: Session, *, team_id: str, check_id: int, user_id: str, agree: bool, now: datetime
) -> tuple[ConsensusCheck, Decision, bool]:
    """Record one person's answer. Returns (check, decision, counted); a repeat is not counted."""
    check = get(session, team_id, check_id)
    decision = decisions.get_decision(session, team_id, check.decision_id)
    if check.status != OPEN:
        raise NotAllowed("This check is closed: an objection already reopened the decider.")
    try:
        with session.begin_nested():
            session.add(
                ConsensusVote(
                    team_id=team_id, check_id=check_id, user_id=user_id, agree=agree, at=now
                )
            )
            session.flush()
    except IntegrityError:
        return check, decision, False
    if agree:
        return check, decision, True
    check.status = OBJECTED
    if decision.decider_id == check.decider_id and decision.status in decisions.RESOLVABLE:
        decision.decider_id = None
        decision.deferred_by = None
        decision.reopened = True
    session.flush()
    decisions.log_event(
        session,
        decision,
        "consensus_objection",
        user_id,
        now,
        detail={"check": check.id, "decider": check.decider_id, "reopened": True},
    )
    return check, decision, True


def votes(session: Session, team_id: str, check_id: int) -> list[ConsensusVote]:
    return list(
        session.scalars(
            select(ConsensusVote)
            .where(ConsensusVote.team_id == team_id, ConsensusVote.check_id == check_id)
            .order_by(ConsensusVote.id)
        )
    )


def attach(session: Session, team_id: str, check_id: int, message_ts: str) -> None:
    get(session, team_id, check_id).message_ts = message_ts


def _find_by_origin(session: Session, team_id: str, origin_key: str) -> ConsensusCheck | None:
    return session.scalars(
        select(ConsensusCheck).where(
            ConsensusCheck.team_id == team_id, ConsensusCheck.origin_key == origin_key
        )
    ).one_or_none()
