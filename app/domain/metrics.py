"""How a team decides, in figures: velocity, concentration of authority, escalations, outcomes,
load (open decisions per person) and poll participation. Shadow authority, calibration and
whose voice is heard live beside this module (alignment, calibration, participation).

The dashboard reads the decisions in scope in one grouped pass of conditional aggregates (counts,
shares, who decides), plus one for velocity's percentiles and small ones for escalations, open
load and polls: at a million decisions each pass over a month costs tens of milliseconds, so
their number is what matters. The arithmetic on the small results (Gini, shares) is pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, distinct, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from app.db import counts as running_totals
from app.db.dialect import lower_percentiles, seconds_between
from app.db.models import (
    Decision,
    DecisionCountChange,
    DecisionDayCount,
    DecisionEvent,
    DecisionLoad,
    ExpertisePoll,
)
from app.db.models.counts import NOBODY
from app.vocabulary import Framework, PollStatus, Status

LOAD_LIMIT = 5  # open decisions held by one person before the bot warns of overload
OPEN = (Status.OPEN, Status.ESCALATED)
ESCALATED_KIND = "escalated"
OBJECTION_KIND = "consensus_objection"
WITHDRAWN_KIND = "consensus_objection_withdrawn"


@dataclass(frozen=True)
class Scope:
    team_id: str
    channel_id: str | None = None
    since: datetime | None = None  # None: all time

    def place(self) -> list[ColumnElement[bool]]:
        """Filters for decisions in this team (and channel), whenever they were made."""
        conditions = [Decision.team_id == self.team_id]
        if self.channel_id:
            conditions.append(Decision.channel_id == self.channel_id)
        return conditions

    def decisions(self, column=None) -> list[ColumnElement[bool]]:
        """Filters for decisions in this scope, by when they were opened (or `column`)."""
        conditions = self.place()
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
    # Decisions whose decider a tiebreaker rule chose: counted apart, never as expertise.
    tiebreaker_share: float | None = None

    @property
    def overloaded(self) -> list[tuple[str, int]]:
        """People whose load (open decisions they hold) is above LOAD_LIMIT."""
        return [(who, n) for who, n in self.open_load if n > LOAD_LIMIT]


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
    return seconds_between(Decision.created_at, Decision.decided_at, session)


def velocity(session: Session, scope: Scope, decided: int | None = None) -> Velocity:
    """Median and 90th percentile from opened to decided, over decisions decided in scope.

    Nearest rank, lower: rank int((n - 1) * f) of the sorted times. `decided` is the count,
    when the caller has it already."""
    where = [*scope.decisions(Decision.decided_at), Decision.decided_at.is_not(None)]
    if decided is None:
        decided = session.scalar(select(func.count()).where(*where)) or 0
    if not decided:
        return Velocity(0, None, None)
    seconds = seconds_to_decide(session).label("seconds")
    ranks = [int((decided - 1) * fraction) for fraction in (0.5, 0.9)]
    found = lower_percentiles(session, seconds, where, decided, ranks)
    median, p90 = (timedelta(seconds=round(float(value or 0))) for value in found)
    return Velocity(decided, median, p90)


def concentration(session: Session, scope: Scope) -> Concentration:
    rows = session.execute(
        select(Decision.decider_id, func.count())
        .where(
            *scope.decisions(),
            Decision.decider_id.is_not(None),
            Decision.status != Status.CANCELLED,
        )
        .group_by(Decision.decider_id)
    ).all()
    return _concentration([(who, n) for who, n in rows])


def _concentration(counts: list[tuple[str, int]]) -> Concentration:
    counts = sorted(((who, n) for who, n in counts if n), key=lambda row: (-row[1], row[0]))
    total = sum(n for _, n in counts)
    return Concentration(
        total, counts, share(counts[0][1], total) if counts else None, gini([n for _, n in counts])
    )


@dataclass(frozen=True)
class _Tally:
    opened: int = 0
    expertise: int = 0
    decided: int = 0  # status decided, decided in the period
    reviewed: int = 0
    worked: int = 0
    timed: int = 0  # any status with a decision time in the period: velocity's population
    held: int = 0  # open right now, whenever opened: the load figure
    tiebroken: int = 0  # opened in the period, decider chosen by a tiebreaker rule


Tally = tuple[_Tally, list[tuple[str, int, int]]]  # read_tally's answer


def read_tally(session: Session, scope: Scope) -> Tally:
    """The totals every share needs, and per decider (who, given in scope, holding), in one
    statement: the whole UTC days of the period from the running totals the database keeps
    (app/db/models/counts.py), its first, partial day from the decisions themselves, and the
    load from the open decisions' totals.

    A cancelled decision was withdrawn (a mistake, a duplicate): it stays in the log and the
    export, but counts as neither opened nor given to anyone. It never has a decision time, so
    velocity leaves it out too, and it is not open, so it is nobody's load. A tiebreaker's pick
    is not deference to expertise, whatever framework was declared (app/db/counts.py counts
    the same way)."""
    rows = [
        (None if who == NOBODY else who, *(int(n or 0) for n in counts))  # SUM: numeric on PG
        for who, *counts in session.execute(_counted(scope))
    ]
    totals = _Tally(*(sum(row[i] for row in rows) for i in range(1, 9)))
    return totals, [(row[0], row[1], row[7]) for row in rows if row[0] is not None]


def _counted(scope: Scope):
    """Per decider, _Tally's counts in its order, summed over the parts of the period: whole
    days' totals, changes not folded into them yet, and the first, partial day."""
    days, loads, changes = DecisionDayCount, DecisionLoad, DecisionCountChange
    in_days = _place(days, scope)
    in_loads = _place(loads, scope)
    in_changes = _place(changes, scope)
    parts = []
    if scope.since is not None:
        boundary = _next_midnight(scope.since)
        in_days.append(days.day >= boundary.date())
        in_changes.append(or_(changes.day >= boundary.date(), changes.day.is_(None)))
        parts += _first_day(scope, boundary)
    for table, where in ((days, in_days), (changes, in_changes)):
        held = func.sum(table.held) if table is changes else _zero()
        parts.append(
            select(
                table.decider_id.label("decider"),
                *(func.sum(getattr(table, name)) for name in TALLIED[:6]),
                held,
                func.sum(table.tiebroken),
            )
            .where(*where)
            .group_by(table.decider_id)
        )
    parts.append(
        select(loads.decider_id, *_zeros(6), func.sum(loads.held), _zero())
        .where(*in_loads)
        .group_by(loads.decider_id)
    )
    each = union_all(*parts).subquery()
    decider, *counts = each.c
    return select(decider, *(func.sum(count) for count in counts)).group_by(decider)


# _Tally's fields as the running totals name them, in _Tally's order (held, tiebroken after).
TALLIED = ("opened", "expertise", "decided", "reviewed", "worked", "timed")


def _place(table, scope: Scope) -> list[ColumnElement[bool]]:
    where = [table.team_id == scope.team_id]
    if scope.channel_id:
        where.append(table.channel_id == scope.channel_id)
    return where


def _zero():
    """A fresh 0 column: select() keeps one of the same column object given twice, which would
    shift the UNION's columns."""
    return literal(0)


def _zeros(n: int) -> list:
    return [_zero() for _ in range(n)]


def fold_counts(session: Session) -> int:
    """Move the changes the decisions' triggers recorded into the running totals (a sweep)."""
    return running_totals.fold(session.connection())


def _next_midnight(moment: datetime) -> datetime:
    """The first UTC midnight at or after `moment`: where the running totals' whole days begin."""
    moment = moment.astimezone(UTC)
    midnight = datetime.combine(moment.date(), time(0), tzinfo=UTC)
    return midnight if midnight == moment else midnight + timedelta(days=1)


def _first_day(scope: Scope, boundary: datetime) -> list:
    """The counts of [since, boundary), which no whole day's totals hold, read from the
    decisions: those opened in it, and those decided in it (velocity's population, outcomes)."""
    who = func.coalesce(Decision.decider_id, NOBODY).label("decider")
    counted = Decision.status != Status.CANCELLED
    decided = Decision.status == Status.DECIDED
    by_expertise = and_(
        counted, Decision.framework == Framework.EXPERTISE, Decision.decider_rule.is_(None)
    )
    opened = select(
        who,
        func.count().filter(counted),
        func.count().filter(by_expertise),
        *_zeros(5),
        func.count().filter(and_(counted, Decision.decider_rule.is_not(None))),
    ).where(*scope.place(), Decision.created_at >= scope.since, Decision.created_at < boundary)
    timed = select(
        who,
        *_zeros(2),
        func.count().filter(decided),
        func.count(Decision.outcome).filter(decided),
        func.count().filter(and_(decided, Decision.outcome == "worked")),
        func.count(),
        *_zeros(2),
    ).where(*scope.place(), Decision.decided_at >= scope.since, Decision.decided_at < boundary)
    return [opened.group_by(who), timed.group_by(who)]


def escalations(session: Session, scope: Scope) -> tuple[int, int]:
    """Decisions in scope escalated at least once, and objections raised on them and not
    withdrawn by their objector."""
    kind = DecisionEvent.kind
    escalated, objections, withdrawn = session.execute(
        select(
            func.count(distinct(DecisionEvent.decision_id)).filter(kind == ESCALATED_KIND),
            func.count(DecisionEvent.id).filter(kind == OBJECTION_KIND),
            func.count(DecisionEvent.id).filter(kind == WITHDRAWN_KIND),
        )
        .select_from(DecisionEvent)
        .join(
            Decision,
            (Decision.team_id == DecisionEvent.team_id)
            & (Decision.id == DecisionEvent.decision_id),
        )
        .where(*scope.decisions(), kind.in_((ESCALATED_KIND, OBJECTION_KIND, WITHDRAWN_KIND)))
    ).one()
    return escalated or 0, max((objections or 0) - (withdrawn or 0), 0)


def dashboard(
    session: Session, scope: Scope, formal_leads: frozenset[str] = frozenset()
) -> Dashboard:
    """The dashboard's four reads, one after another in `session`. None needs another's answer
    (velocity takes the tally's count only to skip counting itself), so app.domain.figures may
    run them side by side, each in its own session, and `assemble` the same Dashboard."""
    counted = read_tally(session, scope)
    return assemble(
        scope,
        formal_leads,
        counted,
        velocity(session, scope, counted[0].timed),
        escalations(session, scope),
        closed_polls(session, scope),
    )


def assemble(
    scope: Scope,
    formal_leads: frozenset[str],
    counted: Tally,
    speed: Velocity,
    escalated_objections: tuple[int, int],
    polls_ballots: tuple[int, int],
) -> Dashboard:
    """The dashboard from its reads' answers: `read_tally`, `velocity`, `escalations` and
    `closed_polls`. Pure arithmetic."""
    tally, by_decider = counted
    spread = _concentration([(who, given) for who, given, _ in by_decider])
    load = sorted(((who, n) for who, _, n in by_decider if n), key=lambda row: (-row[1], row[0]))
    by_formal = sum(n for who, n in spread.by_decider if who in formal_leads)
    escalated, objections = escalated_objections
    polls, ballots = polls_ballots
    return Dashboard(
        scope=scope,
        opened=tally.opened,
        velocity=speed,
        concentration=spread,
        formal_lead_share=share(by_formal, spread.decisions) if formal_leads else None,
        expertise_share=share(tally.expertise, tally.opened),
        escalation_rate=share(escalated, tally.opened),
        objections=objections,
        outcome_coverage=share(tally.reviewed, tally.decided),
        worked_share=share(tally.worked, tally.reviewed),
        open_load=load,
        polls=polls,
        poll_responses=ballots / polls if polls else None,
        formal_leads=formal_leads,
        tiebreaker_share=share(tally.tiebroken, tally.opened),
    )


def closed_polls(session: Session, scope: Scope) -> tuple[int, int]:
    """Closed polls in scope (by when they closed) and the ballots they received, summed from
    the count each poll stored as it closed (a closed poll takes no more ballots), read from the
    closed polls' index alone on PostgreSQL rather than by probing the ballots once per poll."""
    where = [ExpertisePoll.team_id == scope.team_id, ExpertisePoll.status == PollStatus.CLOSED]
    if scope.channel_id:
        where.append(ExpertisePoll.channel_id == scope.channel_id)
    if scope.since is not None:
        where.append(ExpertisePoll.closed_at >= scope.since)
    polls, ballots = session.execute(
        select(func.count(), func.sum(ExpertisePoll.responses)).where(*where)
    ).one()
    return polls or 0, ballots or 0
