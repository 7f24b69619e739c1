"""Escalation: local -> principle -> centre, with who escalated, why, and whom to tell."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Charter, CharterDomain, Decision
from app.domain import decisions
from app.domain.errors import InvalidInput, NotAllowed
from app.vocabulary import Status, Zone

NEXT = {Zone.LOCAL: Zone.PRINCIPLE, Zone.PRINCIPLE: Zone.CENTRE}
REASON_MAX = 500


def contact_for(session: Session, decision: Decision) -> str | None:
    """The decision's domain's escalation contact, else the charter's."""
    if decision.domain:
        own = session.scalar(
            select(CharterDomain.escalation_contact).where(
                CharterDomain.team_id == decision.team_id, CharterDomain.name == decision.domain
            )
        )
        if own:
            return own
    return session.scalar(
        select(Charter.escalation_contact).where(Charter.team_id == decision.team_id)
    )


def check_can_escalate(decision: Decision) -> Zone:
    if decision.status not in decisions.RESOLVABLE:
        raise NotAllowed(f"“{decision.title}” is already {decision.status.value}.")
    target = NEXT.get(decision.zone)
    if target is None:
        raise NotAllowed(f"“{decision.title}” is already in the centre zone; it can go no higher.")
    return target


def escalate(
    session: Session,
    *,
    team_id: str,
    decision_id: int,
    actor_id: str,
    reason: str,
    now: datetime,
    idempotency_key: str,
) -> tuple[Decision, bool]:
    """Move the decision one zone up and mark it escalated. Returns (decision, changed)."""
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput({"reason": "Say why it needs to go higher."})
    if len(reason) > REASON_MAX:
        raise InvalidInput({"reason": f"Keep the reason to {REASON_MAX} characters."})
    decision = decisions.get_decision(session, team_id, decision_id)
    if decisions.event_exists(session, team_id, idempotency_key):
        return decision, False
    target = check_can_escalate(decision)
    before_zone, before_status = decision.zone, decision.status
    decision.zone = target
    decision.status = Status.ESCALATED
    session.flush()
    decisions.log_event(
        session,
        decision,
        "escalated",
        actor_id,
        now,
        detail={
            "from_zone": before_zone.value,
            "to_zone": target.value,
            "from_status": before_status.value,
            "reason": reason,
        },
        idempotency_key=idempotency_key,
    )
    return decision, True
