"""The stand-up deference check: what is open in a channel, and giving a decision a decider."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Decision, ScheduledPost
from app.domain import decisions, ledger, permissions, poll_service
from app.domain.channel_schedules import CHECKIN
from app.domain.errors import NotFound
from app.vocabulary import Action

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
    channel_id: str | None,
    message_ts: str | None,
    idempotency_key: str,
) -> tuple[Decision, bool]:
    """Claim (decider = actor) or hand a decision that has no decider to someone.

    Only a decision with no decider and no poll running can be taken this way, and only from a
    deference check the bot really posted in the decision's own channel (`channel_id`,
    `message_ts` are where the click came from): a decider already named is changed on the
    card, with a trace, never from a stand-up prompt. Returns (decision, changed).
    """
    decision = decisions.get_decision(session, team_id, decision_id)
    if decisions.event_exists(session, team_id, idempotency_key):
        return decision, False
    if not _posted_checkin(session, team_id, channel_id, message_ts):
        raise NotFound("That deference check does not exist in this workspace.")
    running = poll_service.running_poll(session, team_id, decision.id, now)
    actor = permissions.Actor(actor_id, can_see=channel_id == decision.channel_id)
    subject = permissions.about(decision, poll_open=running is not None)
    permissions.check(Action.CLAIM, actor, subject)
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


def _posted_checkin(
    session: Session, team_id: str, channel_id: str | None, message_ts: str | None
) -> bool:
    """Whether the bot posted a deference check at (channel, ts) for this team: a click's
    message_ts comes back from the client and is re-checked before it keys anything."""
    if not channel_id or not message_ts:
        return False
    found = session.scalar(
        select(ScheduledPost.id).where(
            ScheduledPost.team_id == team_id,
            ScheduledPost.kind == CHECKIN,
            ScheduledPost.channel_id == channel_id,
            ScheduledPost.message_ts == message_ts,
            ScheduledPost.status == ledger.SENT,
        )
    )
    return found is not None
