"""Consensus checks: is everyone comfortable with the decider having final say?

One objection, with its reason, reopens the choice of decider: the decider is cleared, the card
says who objected and why, and the objection is logged. The objector may withdraw it; while
nobody else has been named, the decider the check asked about is restored. Asking for a check
is not an objection: only an Object answer is. A vote is one row per person per check under a
unique key, so a click delivered twice counts once.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db.models import ConsensusCheck, ConsensusVote, Decision
from app.domain import decisions, permissions
from app.domain.errors import InvalidInput, NotAllowed, NotFound
from app.domain.text import clean
from app.vocabulary import Action

RESOLVABLE = decisions.RESOLVABLE

OPEN, OBJECTED, WITHDRAWN = "open", "objected", "withdrawn"
REASON_MAX = 1000


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
    permissions.check(
        Action.CONSENSUS_CHECK, permissions.Actor(actor_id), permissions.about(decision)
    )
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


def check_may_answer(
    session: Session, team_id: str, check_id: int, user_id: str
) -> tuple[ConsensusCheck, Decision]:
    """Refuse an answer before a form asks for its reason: a closed check, or a person who
    may not answer."""
    check = get(session, team_id, check_id)
    decision = decisions.get_decision(session, team_id, check.decision_id)
    if check.status != OPEN:
        raise NotAllowed("This check is closed: an objection already reopened the decider.")
    permissions.check(Action.OBJECT, permissions.Actor(user_id), permissions.about(decision))
    return check, decision


def answer(
    session: Session,
    *,
    team_id: str,
    check_id: int,
    user_id: str,
    agree: bool,
    now: datetime,
    reason: str | None = None,
) -> tuple[ConsensusCheck, Decision, bool]:
    """Record one person's answer. Returns (check, decision, counted); a repeat is not counted.
    An objection needs its reason: the team reads it on the card."""
    reason = clean(reason) or None
    if not agree and not reason:
        raise InvalidInput({"reason": "Say why you object: the team will read it on the card."})
    if reason and len(reason) > REASON_MAX:
        raise InvalidInput({"reason": f"Keep the reason to {REASON_MAX} characters."})
    check, decision = check_may_answer(session, team_id, check_id, user_id)
    try:
        with session.begin_nested():
            session.add(
                ConsensusVote(
                    team_id=team_id,
                    check_id=check_id,
                    user_id=user_id,
                    agree=agree,
                    at=now,
                    reason=None if agree else reason,
                )
            )
            session.flush()
    except IntegrityError:
        return check, decision, False
    if agree:
        return check, decision, True
    check.status = OBJECTED
    reopened = decision.decider_id == check.decider_id and decision.status in RESOLVABLE
    if reopened:
        decision.decider_id = None
        decision.deferred_by = None
        decision.decider_rule = None
        decision.reopened = True
        decision.objected_by, decision.objection = user_id, reason
    session.flush()
    decisions.log_event(
        session,
        decision,
        "consensus_objection",
        user_id,
        now,
        detail={
            "check": check.id,
            "decider": check.decider_id,
            "reopened": reopened,
            "reason": reason,
        },
    )
    return check, decision, True


def objection_of(session: Session, team_id: str, check_id: int) -> ConsensusVote | None:
    """The objection that closed a check, if it still stands."""
    return session.scalars(
        select(ConsensusVote).where(
            ConsensusVote.team_id == team_id,
            ConsensusVote.check_id == check_id,
            ConsensusVote.agree.is_(False),
        )
    ).first()


def withdraw(
    session: Session, *, team_id: str, check_id: int, user_id: str, now: datetime
) -> tuple[ConsensusCheck, Decision, bool]:
    """The objector takes their objection back. While nobody else has been named since, the
    decider the check asked about decides again and the check takes answers again; else the
    withdrawal is only recorded. Returns (check, decision, changed)."""
    check = get(session, team_id, check_id)
    decision = decisions.get_decision(session, team_id, check.decision_id)
    objection = objection_of(session, team_id, check_id)
    if objection is None:
        if check.status == OPEN:
            return check, decision, False  # withdrawn already (a second click)
        raise NotAllowed("There is no objection on this check to withdraw.")
    subject = replace(permissions.about(decision), objector_id=objection.user_id)
    permissions.check(Action.WITHDRAW_OBJECTION, permissions.Actor(user_id), subject)
    session.delete(objection)
    restored = (
        decision.decider_id is None
        and decision.objected_by == user_id
        and decision.status in RESOLVABLE
    )
    if restored:
        decision.decider_id = check.decider_id
        decision.reopened = False
        decision.objected_by = decision.objection = None
    check.status = OPEN if restored else WITHDRAWN
    session.flush()
    decisions.log_event(
        session,
        decision,
        "consensus_objection_withdrawn",
        user_id,
        now,
        detail={"check": check.id, "decider": check.decider_id, "restored": restored},
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
