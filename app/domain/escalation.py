"""Escalation: local -> principle -> centre, with who escalated, why, and whom to tell."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Charter, CharterDomain, Decision
from app.domain import decisions, permissions, steward
from app.domain.errors import InvalidInput
from app.vocabulary import Action, Status, Zone

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


def check_can_escalate(decision: Decision, actor_id: str, seen_from: str | None) -> Zone:
    """The zone the decision would go to, if this person may escalate it: anyone who can see
    its card, which a request from the card's own channel (`seen_from`) shows."""
    actor = permissions.Actor(actor_id, can_see=seen_from == decision.channel_id)
    permissions.check(Action.ESCALATE, actor, permissions.about(decision))
    return NEXT[decision.zone]


def told_of_escalation(session: Session, decision: Decision, actor_id: str, now) -> list[str]:
    """Who hears that a decision was escalated, besides the escalation contact: its decider,
    its opener and the steward (never the person who escalated, who knows)."""
    people = [
        decision.decider_id,
        decision.created_by,
        steward.current(session, decision.team_id, now),
    ]
    return [p for p in dict.fromkeys(people) if p and p != actor_id]


def escalate(
    session: Session,
    *,
    team_id: str,
    decision_id: int,
    actor_id: str,
    reason: str,
    now: datetime,
    idempotency_key: str,
    seen_from: str | None,
) -> tuple[Decision, bool]:
    """Move the decision one zone up and mark it escalated. Returns (decision, changed).

    `seen_from` is the channel the request came from (as bound by Slack's signature or the
    form's seal): a voice for anyone who can see the card, so the card's own channel."""
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput({"reason": "Say why it needs to go higher."})
    if len(reason) > REASON_MAX:
        raise InvalidInput({"reason": f"Keep the reason to {REASON_MAX} characters."})
    decision = decisions.get_decision(session, team_id, decision_id)
    if decisions.event_exists(session, team_id, idempotency_key):
        return decision, False
    target = check_can_escalate(decision, actor_id, seen_from)
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


def return_to_local(
    session: Session,
    *,
    team_id: str,
    decision_id: int,
    actor_id: str,
    is_admin: bool,
    now: datetime,
    idempotency_key: str,
) -> tuple[Decision, bool]:
    """Bring an escalated decision back to the local zone, open again: only its decider or an
    admin may, so an escalation never silently takes a decision away. Returns (decision,
    changed)."""
    decision = decisions.get_decision(session, team_id, decision_id)
    if decisions.event_exists(session, team_id, idempotency_key):
        return decision, False
    actor = permissions.Actor(actor_id, is_admin=is_admin)
    permissions.check(Action.DEESCALATE, actor, permissions.about(decision))
    before_zone = decision.zone
    decision.zone, decision.status = Zone.LOCAL, Status.OPEN
    session.flush()
    decisions.log_event(
        session,
        decision,
        "deescalated",
        actor_id,
        now,
        detail={"from_zone": before_zone.value, "to_zone": Zone.LOCAL.value},
        idempotency_key=idempotency_key,
    )
    return decision, True
