"""The decision log as rows: one dict per decision, columns named by the public contract.

Column names are part of the public contract (PRODUCT.md); add columns at the end, never rename.
Rows are streamed team by team, so an export of a large log holds one batch in memory at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Charter, Decision, DecisionEvent, Team

COLUMNS = (
    "id",
    "title",
    "status",
    "decider",
    "framework",
    "approach",
    "zone",
    "channel",
    "created_by",
    "created_at",
    "decided_at",
    "resolution",
    "rationale",
    "outcome",
    # Extensions beyond the contract's minimum:
    "team",
    "deferred_by",
    "reversible",
    "deadline",
    "context",
    "outcome_note",
    "permalink",
    "domain",
    "principle",
    # A decision's life (issue 15): the decision it replaced and the one that replaced it (ids),
    # and the latest reason given for cancelling, reopening and escalating it.
    "supersedes",
    "superseded_by",
    "cancel_reason",
    "reopen_reason",
    "escalation_reason",
    # How the decider came to be and whom the team's own rules named (issue 19): the tiebreaker
    # rule that chose the decider, if one did; the charter's authority for the domain and the
    # expertise poll's recommendation when it was decided. A forecast only once its author
    # shared it: until then it is theirs alone, and an export is read by others.
    "decider_rule",
    "charter_authority",
    "poll_expert",
    "forecast",
    "forecast_confidence",
)
REASON_KINDS = {
    "cancelled": "cancel_reason",
    "reopened": "reopen_reason",
    "escalated": "escalation_reason",
}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def decision_row(decision: Decision, reasons: dict[str, str] | None = None) -> dict[str, object]:
    """One decision as the export's columns; `reasons` maps a reason column to its text."""
    reasons = reasons or {}
    shared = decision.forecast_shared and decision.forecast_confidence is not None
    return {
        "id": decision.id,
        "title": decision.title,
        "status": decision.status.value,
        "decider": decision.decider_id,
        "framework": decision.framework.value if decision.framework else None,
        "approach": decision.approach.value if decision.approach else None,
        "zone": decision.zone.value,
        "channel": decision.channel_id,
        "created_by": decision.created_by,
        "created_at": _iso(decision.created_at),
        "decided_at": _iso(decision.decided_at),
        "resolution": decision.resolution,
        "rationale": decision.rationale,
        "outcome": decision.outcome,
        "team": decision.team_id,
        "deferred_by": decision.deferred_by,
        "reversible": decision.reversible,
        "deadline": _iso(decision.deadline),
        "context": decision.context,
        "outcome_note": decision.outcome_note,
        "permalink": decision.permalink,
        "domain": decision.domain,
        "principle": decision.principle,
        "supersedes": decision.supersedes_id,
        "superseded_by": decision.superseded_by_id,
        **{column: reasons.get(column) for column in REASON_KINDS.values()},
        "decider_rule": decision.decider_rule,
        "charter_authority": decision.charter_authority_id,
        "poll_expert": decision.poll_expert_id,
        "forecast": decision.forecast if shared else None,
        "forecast_confidence": decision.forecast_confidence if shared else None,
    }


def team_ids(session: Session) -> list[str]:
    return list(session.scalars(select(Team.id).order_by(Team.id)))


def iter_rows(session: Session, teams: Iterable[str]) -> Iterator[dict[str, object]]:
    """Each team's decisions, oldest first, queried one team at a time."""
    for team_id in teams:
        query = (
            select(Decision)
            .where(Decision.team_id == team_id)
            .order_by(Decision.created_at, Decision.id)
            .execution_options(yield_per=500)
        )
        reasons = _reasons(session, team_id)
        for decision in session.scalars(query):
            yield decision_row(decision, reasons.get(decision.id))


def _reasons(session: Session, team_id: str) -> dict[int, dict[str, str]]:
    """decision id -> reason column -> the latest reason given, read from the event log (only
    the few decisions ever cancelled, reopened or escalated appear)."""
    found: dict[int, dict[str, str]] = {}
    rows = session.execute(
        select(DecisionEvent.decision_id, DecisionEvent.kind, DecisionEvent.detail)
        .where(DecisionEvent.team_id == team_id, DecisionEvent.kind.in_(REASON_KINDS))
        .order_by(DecisionEvent.id)
    )
    for decision_id, kind, detail in rows:
        reason = (detail or {}).get("reason")
        if reason:
            found.setdefault(decision_id, {})[REASON_KINDS[kind]] = reason
    return found


def histories(session: Session, team_id: str) -> dict[int, list[DecisionEvent]]:
    """Every decision's history in the team, oldest change first, by decision id."""
    found: dict[int, list[DecisionEvent]] = {}
    query = (
        select(DecisionEvent)
        .where(DecisionEvent.team_id == team_id)
        .order_by(DecisionEvent.decision_id, DecisionEvent.at, DecisionEvent.id)
    )
    for event in session.scalars(query):
        found.setdefault(event.decision_id, []).append(event)
    return found


def team_domain(session: Session, team_id: str) -> str | None:
    """The workspace's Slack domain (acme in acme.slack.com), when a request showed it."""
    return session.scalar(select(Team.domain).where(Team.id == team_id))


def team_charter(session: Session, team_id: str) -> Charter | None:
    """The team's charter row, or None before anyone wrote one (read only: nothing is made)."""
    return session.scalars(select(Charter).where(Charter.team_id == team_id)).one_or_none()
