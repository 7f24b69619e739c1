"""How a team decides, in figures: velocity, concentration of authority, escalations, outcomes,
fatigue and poll participation.

Every figure is one aggregate query filtered by team (and optionally channel and period), so it
stays fast on large logs; the arithmetic on the small aggregated results (Gini, shares) is pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Float, cast, distinct, func, select
from sqlalchemy.orm import Session

from app.db.models import (
    Decision,
    DecisionEvent,
    ExpertisePoll,
    Framework,
    PollStatus,
    PollVote,
    Status,
)

FATIGUE = 5  # open decisions held by one person before the bot warns
OPEN = (Status.OPEN, Status.ESCALATED)
ESCALATED_KIND = "escalated"
OBJECTION_KIND = "consensus_objection"


@dataclass(frozen=True)
class Scope:
    team_id: str
    channel_id: str | None = None
    since: datetime | None = None  # None: all time

    def decisions(self, column=None) -> list[ColumnElement[bool]]:
        """Filters for decisions in this scope, by when they were opened (or `column`)."""
        conditions = [Decision.team_id == self.team_id]
        if self.channel_id:
            conditions.append(Decision.channel_id == self.channel_id)
        if self.since is not None:
            conditions.append((column or Decision.created_at) >= self.since)
        return conditions


@dataclass(frozen=True)
class Velocity:
    decided: int
    median: timedelta | None
    p90: timedelta | None


@dataclass(frozen=True)
class Concentration:
    decisions: int
    by_decider: list[tuple[str, int]]  # most first
    top_share: float | None
    gini: float | None


@dataclass(frozen=True)
class Dashboard:
    scope: Scope
    opened: int
    velocity: Velocity
    concentration: Concentration
    formal_lead_share: float | None
    expertise_share: float | None
    escalation_rate: float | None
    objections: int
    outcome_coverage: float | None
    worked_share: float | None
    open_load: list[tuple[str, int]]
    polls: int
    poll_responses: float | None
    formal_leads: frozenset[str] = field(default_factory=frozenset)

    @property
    def fatigued(self) -> list[tuple[str, int]]:
        return [(who, n) for who, n in self.open_load if n > FATIGUE]


def gini(counts: Sequence[int]) -> float | None:
    """0 when authority is spread evenly over the deciders, towards 1 when one holds it all."""
    values = sorted(c for c in counts if c > 0)
    n, total = len(values), sum(values)
    if n == 0:
        return None
    weighted = sum(rank * value for rank, value in enumerate(values, start=1))
    return round(2 * weighted / (n * total) - (n + 1) / n, 4)


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def seconds_to_decide(session: Session) -> ColumnElement[float]:
    """Decision time in seconds, computed by the database itself."""
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", Decision.decided_at - Decision.created_at)
    return cast(
        (func.julianday(Decision.decided_at) - func.julianday(Decision.created_at)) * 86400, Float
    )


def velocity(session: Session, scope: Scope) -> Velocity:
    """Median and 90th percentile from opened to decided, over decisions decided in scope."""
    where = [*scope.decisions(Decision.decided_at), Decision.decided_at.is_not(None)]
    decided = session.scalar(select(func.count()).where(*where)) or 0
    if not decided:
        return Velocity(0, None, None)
    seconds = seconds_to_decide(session).label("seconds")
    ordered = select(seconds).where(*where).order_by(seconds)

    def at(fraction: float) -> timedelta:
        rank = int((decided - 1) * fraction)  # nearest-rank, lower
        return timedelta(seconds=round(session.scalar(ordered.offset(rank).limit(1)) or 0))

    return Velocity(decided, at(0.5), at(0.9))


def concentration(session: Session, scope: Scope) -> Concentration:
    rows = session.execute(
        select(Decision.decider_id, func.count())
        .where(*scope.decisions(), Decision.decider_id.is_not(None))
        .group_by(Decision.decider_id)
        .order_by(func.count().desc(), Decision.decider_id)
    ).all()
    counts = [(who, n) for who, n in rows]
    total = sum(n for _, n in counts)
    return Concentration(
        total, counts, share(counts[0][1], total) if counts else None, gini([n for _, n in counts])
    )


def open_load(
    session: Session, team_id: str, channel_id: str | None = None
) -> list[tuple[str, int]]:
    """Open decisions each person holds right now, most first: the fatigue figure."""
    query = select(Decision.decider_id, func.count()).where(
        Decision.team_id == team_id, Decision.status.in_(OPEN), Decision.decider_id.is_not(None)
    )
    if channel_id:
        query = query.where(Decision.channel_id == channel_id)
    rows = session.execute(
        query.group_by(Decision.decider_id).order_by(func.count().desc(), Decision.decider_id)
    )
    return [(who, n) for who, n in rows]


def _events(session: Session, scope: Scope, kind: str, *, per_decision: bool) -> int:
    counted = distinct(DecisionEvent.decision_id) if per_decision else DecisionEvent.id
    query = (
        select(func.count(counted))
        .select_from(DecisionEvent)
        .join(
            Decision,
            (Decision.team_id == DecisionEvent.team_id)
            & (Decision.id == DecisionEvent.decision_id),
        )
        .where(*scope.decisions(), DecisionEvent.kind == kind)
    )
    return session.scalar(query) or 0


def dashboard(
    session: Session, scope: Scope, formal_leads: frozenset[str] = frozenset()
) -> Dashboard:
    opened = session.scalar(select(func.count()).where(*scope.decisions())) or 0
    spread = concentration(session, scope)
    by_formal = sum(n for who, n in spread.by_decider if who in formal_leads)
    expertise = (
        session.scalar(
            select(func.count()).where(
                *scope.decisions(), Decision.framework == Framework.EXPERTISE
            )
        )
        or 0
    )
    decided_where = [*scope.decisions(Decision.decided_at), Decision.status == Status.DECIDED]
    decided, reviewed, worked = session.execute(
        select(
            func.count(),
            func.count(Decision.outcome),
            func.count().filter(Decision.outcome == "worked"),
        ).where(*decided_where)
    ).one()
    polls, ballots = _polls(session, scope)
    return Dashboard(
        scope=scope,
        opened=opened,
        velocity=velocity(session, scope),
        concentration=spread,
        formal_lead_share=share(by_formal, spread.decisions) if formal_leads else None,
        expertise_share=share(expertise, opened),
        escalation_rate=share(_events(session, scope, ESCALATED_KIND, per_decision=True), opened),
        objections=_events(session, scope, OBJECTION_KIND, per_decision=False),
        outcome_coverage=share(reviewed, decided),
        worked_share=share(worked, reviewed),
        open_load=open_load(session, scope.team_id, scope.channel_id),
        polls=polls,
        poll_responses=ballots / polls if polls else None,
        formal_leads=formal_leads,
    )


def _polls(session: Session, scope: Scope) -> tuple[int, int]:
    """Closed polls in scope and the ballots they received."""
    where = [ExpertisePoll.team_id == scope.team_id, ExpertisePoll.status == PollStatus.CLOSED]
    if scope.channel_id:
        where.append(ExpertisePoll.channel_id == scope.channel_id)
    if scope.since is not None:
        where.append(ExpertisePoll.closed_at >= scope.since)
    polls = session.scalar(select(func.count()).select_from(ExpertisePoll).where(*where)) or 0
    ballots = (
        session.scalar(
            select(func.count())
            .select_from(PollVote)
            .join(
                ExpertisePoll,
                (ExpertisePoll.team_id == PollVote.team_id)
                & (ExpertisePoll.id == PollVote.poll_id),
            )
            .where(*where)
        )
        or 0
    )
    return polls, ballots
