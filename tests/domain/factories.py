"""Rows the domain tests start from, made through the domain's own functions."""

from __future__ import annotations

import itertools
from datetime import datetime

from sqlalchemy.orm import Session

from app.db.models import Decision, Rotation
from app.domain import charter, decisions, ledger, outcomes, rotation_service
from app.domain.charter import CharterEdit, DomainSpec
from app.domain.decisions import Declaration

T1, T2 = "T0001", "T0002"
ALICE, BOB, CAROL, DAN = "U0ALICE", "U0BOB", "U0CAROL", "U0DAN"
_keys = itertools.count(1)


def open_decision(
    session: Session,
    now: datetime,
    *,
    team: str = T1,
    actor: str = ALICE,
    decider: str | None = BOB,
    channel: str = "C1",
    title: str = "Pick the billing database",
    **fields,
) -> Decision:
    declaration = Declaration(title=title, channel_id=channel, decider_id=decider, **fields)
    decision, created = decisions.open_decision(
        session,
        team_id=team,
        declaration=declaration,
        actor_id=actor,
        origin_key=f"origin-{next(_keys)}",
        now=now,
    )
    assert created
    return decision


def decide(session: Session, decision: Decision, now: datetime, actor: str | None = None):
    decided, changed = decisions.record_resolution(
        session,
        team_id=decision.team_id,
        decision_id=decision.id,
        actor_id=actor or decision.decider_id or decision.created_by,
        resolution="Done",
        rationale=None,
        now=now,
        idempotency_key=f"resolve-{next(_keys)}",
    )
    assert changed
    return decided


def review(session: Session, decision: Decision, now: datetime, outcome: str) -> None:
    """The decider says how `decision` turned out."""
    outcomes.record_outcome(
        session,
        team_id=decision.team_id,
        decision_id=decision.id,
        actor_id=decision.decider_id or decision.created_by,
        outcome=outcome,
        note=None,
        now=now,
        idempotency_key=f"outcome-{next(_keys)}",
    )


def rotation(
    session: Session,
    now: datetime,
    members: list[str],
    *,
    team: str = T1,
    channel: str = "C1",
    name: str = "oncall",
    period_days: int = 7,
    tz: str = "UTC",
) -> Rotation:
    row, _ = rotation_service.put(
        session,
        team_id=team,
        channel_id=channel,
        name=name,
        members=members,
        period_days=period_days,
        start=None,
        tz=tz,
        actor_id=ALICE,
        now=now,
    )
    return row


def charter_with(session: Session, now: datetime, *domains: DomainSpec, team: str = T1):
    current = charter.get_or_create(session, team, now)
    edit = CharterEdit(
        domains=domains, escalation_contact=None, editors="admins", editor_ids=(), formal_leads=()
    )
    return charter.save(
        session, team_id=team, edit=edit, base_version=current.version, actor_id=ALICE, now=now
    )


def mark_posted(session: Session, team: str, kind: str, subject: str, now: datetime) -> int:
    """A ledger row already sent, as the scheduled job leaves it."""
    post_id = ledger.claim(
        session, team_id=team, kind=kind, subject=subject, occurrence=ledger.ONCE, now=now
    )
    assert post_id is not None
    ledger.finish(session, post_id, now=now, ts="1.0", channel_id="C1")
    return post_id
