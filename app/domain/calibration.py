"""Calibration: do the people who decide judge well how their decisions will turn out?

When recording a resolution, whoever records it may state what they expect and how confident
they are (50-99%). The outcome review later says how it turned out. Each reviewed forecast is
scored against the outcome (worked 1, mixed 0.5, did not work 0; "too early" is not scored
yet), and the Brier score is the mean of (confidence - score)^2: 0 is perfect, 0.25 is what
always saying 50% earns, and a confident forecaster who is often wrong scores worse than that.

A forecast is private to its author until they share it on the card. The team's figures (per
person and per domain) count shared forecasts only; a person's own figure, shown only to them,
counts all of theirs. Like every figure, calibration covers the decisions decided in the
scope's period (`/decide stats all` for a whole track record): one grouped pass over a partial
index that holds only decisions with a forecast, in which the database sums each author's
forecasts per domain and confidence bin, in whole percent so that every sum is exact.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import NamedTuple

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.db.models import Decision
from app.domain.metrics import Scope

CALIBRATION_MIN = 5  # reviewed forecasts before a person's or a domain's score is shown
SCORES = {"worked": 1.0, "mixed": 0.5, "did_not_work": 0.0}
BINS = ((50, 59), (60, 69), (70, 79), (80, 89), (90, 99))


@dataclass(frozen=True)
class Bin:
    low: int
    high: int
    forecasts: int
    stated: float  # mean stated confidence, 0-1
    observed: float  # mean score: how often it worked (mixed counts half)


@dataclass(frozen=True)
class Calibration:
    """One person's or one domain's reviewed forecasts."""

    name: str  # a user id, or a domain's name
    forecasts: int
    brier: float | None  # None below CALIBRATION_MIN
    bins: list[Bin] = field(default_factory=list)

    @property
    def enough(self) -> bool:
        return self.forecasts >= CALIBRATION_MIN


@dataclass(frozen=True)
class Calibrations:
    people: list[Calibration]  # shared forecasts, per author, most forecasts first
    domains: list[Calibration]  # shared forecasts, per domain
    mine: Calibration | None  # the viewer's own, shared or not; None without a viewer
    pending: int  # shared forecasts still waiting for their outcome review

    @property
    def shown(self) -> list[Calibration]:
        return [c for c in self.people if c.enough]


def forecast_score(decision: Decision, reader: str | None) -> float | None:
    """This decision's own Brier score, for `reader` only if the forecast is theirs (it is
    private), and only once its outcome can be scored."""
    score = SCORES.get(decision.outcome or "")
    if decision.forecast_confidence is None or score is None or reader != decision.forecast_by:
        return None
    return round((decision.forecast_confidence / 100 - score) ** 2, 4)


class Tally:
    """Reviewed forecasts summed, in whole percent so that every sum is exact: how many, their
    stated confidence, their score (worked 100, mixed 50), and (confidence - score)^2."""

    __slots__ = ("confidence", "forecasts", "score", "squared")

    def __init__(self) -> None:
        self.forecasts = self.confidence = self.score = self.squared = 0

    def add(self, forecasts: int, confidence: int, score: int, squared: int) -> None:
        self.forecasts += forecasts
        self.confidence += confidence
        self.score += score
        self.squared += squared


def _scored(name: str, tallies: dict[int | None, Tally]) -> Calibration:
    """Brier score and bins from one Tally per bin (keyed by its low end; None: outside them)."""
    total = sum(t.forecasts for t in tallies.values())
    squared = sum(t.squared for t in tallies.values())
    bins = [
        Bin(
            low,
            high,
            t.forecasts,
            round(t.confidence / t.forecasts / 100, 4),
            round(t.score / 100 / t.forecasts, 4),
        )
        for low, high in BINS
        if (t := tallies.get(low)) is not None and t.forecasts
    ]
    # Rounded from the exact mean (half to even, as round() does), not from a float sum whose
    # last bits would depend on the order the rows came in: 0.07845 is always 0.0784.
    brier = float(round(Fraction(squared, 10_000 * total), 4)) if total >= CALIBRATION_MIN else None
    return Calibration(name, total, brier, bins)


def _bin_of(confidence: int) -> int | None:
    return next((low for low, high in BINS if low <= confidence <= high), None)


def calibrate(name: str, forecasts: dict[int, list[float]]) -> Calibration:
    """Brier score and bins from {confidence percent: [scores]} (scores as in SCORES)."""
    tallies: dict[int | None, Tally] = defaultdict(Tally)
    for confidence, scores in forecasts.items():
        for score in scores:
            percent = round(score * 100)
            tallies[_bin_of(confidence)].add(1, confidence, percent, (confidence - percent) ** 2)
    return _scored(name, tallies)


def calibrations(session: Session, scope: Scope, viewer: str | None = None) -> Calibrations:
    """Per person and per domain (shared forecasts), and the viewer's own (all of theirs)."""
    return summarise(forecast_counts(session, scope), viewer)


class ForecastSums(NamedTuple):
    """One author's forecasts in one domain, shared or not, in one confidence bin, summed."""

    author: str | None
    domain: str | None
    shared: bool
    low: int | None  # the bin's low end (None: outside every bin)
    forecasts: int  # all of them, reviewed or not
    scored: int  # those whose outcome is scored (SCORES)
    confidence: int  # the scored ones' stated confidence, summed, in percent
    score: int  # their scores, summed, in percent (worked 100, mixed 50)
    squared: int  # (confidence - score)^2 summed, in percent squared


# What each outcome scores, in percent (NULL: not scored yet), and each confidence's bin.
_SCORE = case(
    {outcome: round(score * 100) for outcome, score in SCORES.items()}, value=Decision.outcome
)
_BIN = case(*((Decision.forecast_confidence.between(low, high), low) for low, high in BINS))


def forecast_counts(session: Session, scope: Scope) -> list[ForecastSums]:
    """The forecasts in scope summed per author, domain, shared or not, and confidence bin: the
    same for every viewer, so a cached team view keeps these and `summarise` runs per viewer.
    The database does the sums (a few hundred rows come back, not one per confidence and
    outcome); who may see which forecast is still decided in `summarise`, from `shared`."""
    confidence = Decision.forecast_confidence
    rows = session.execute(
        select(
            Decision.forecast_by,
            Decision.domain,
            Decision.forecast_shared,
            _BIN,
            func.count(),
            func.count(_SCORE),
            func.sum(case((_SCORE.is_not(None), confidence))),
            func.sum(_SCORE),
            func.sum((confidence - _SCORE) * (confidence - _SCORE)),
        )
        .where(*scope.decisions(Decision.decided_at), confidence.is_not(None))
        .group_by(Decision.forecast_by, Decision.domain, Decision.forecast_shared, _BIN)
    ).all()
    return [
        ForecastSums(
            author, domain, shared, low, forecasts, scored, int(c or 0), int(s or 0), int(q or 0)
        )
        for author, domain, shared, low, forecasts, scored, c, s, q in rows
    ]


def summarise(rows: list[ForecastSums], viewer: str | None = None) -> Calibrations:
    """Per person and per domain from shared forecasts only; the viewer's own from all of theirs.
    An unshared forecast reaches no figure but its author's own, not even the pending count."""
    people: dict[str, dict[int | None, Tally]] = defaultdict(lambda: defaultdict(Tally))
    domains: dict[str, dict[int | None, Tally]] = defaultdict(lambda: defaultdict(Tally))
    mine: dict[int | None, Tally] = defaultdict(Tally)
    pending = 0
    for row in rows:
        if row.shared:
            pending += row.forecasts - row.scored
        if not row.scored:
            continue
        sums = (row.scored, row.confidence, row.score, row.squared)
        if row.author == viewer:
            mine[row.low].add(*sums)
        if not row.shared:
            continue  # private: counted for its author alone
        people[row.author][row.low].add(*sums)
        if row.domain:
            domains[row.domain][row.low].add(*sums)

    def ranked(groups: dict[str, dict[int | None, Tally]]) -> list[Calibration]:
        found = [_scored(name, tallies) for name, tallies in groups.items()]
        return sorted(found, key=lambda c: (-c.forecasts, c.name))

    return Calibrations(
        people=ranked(people),
        domains=ranked(domains),
        mine=_scored(viewer, mine) if viewer is not None else None,
        pending=pending,
    )
