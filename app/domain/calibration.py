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
index that holds only decisions with a forecast.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
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


def calibrate(name: str, forecasts: dict[int, list[float]]) -> Calibration:
    """Brier score and bins from {confidence percent: [scores]}."""
    total = sum(len(scores) for scores in forecasts.values())
    squared = sum(
        (confidence / 100 - score) ** 2
        for confidence, scores in forecasts.items()
        for score in scores
    )
    bins = []
    for low, high in BINS:
        inside = [(c, s) for c, scores in forecasts.items() if low <= c <= high for s in scores]
        if inside:
            bins.append(
                Bin(
                    low,
                    high,
                    len(inside),
                    round(sum(c for c, _ in inside) / len(inside) / 100, 4),
                    round(sum(s for _, s in inside) / len(inside), 4),
                )
            )
    brier = round(squared / total, 4) if total >= CALIBRATION_MIN else None
    return Calibration(name, total, brier, bins)


def calibrations(session: Session, scope: Scope, viewer: str | None = None) -> Calibrations:
    """Per person and per domain (shared forecasts), and the viewer's own (all of theirs)."""
    return summarise(forecast_counts(session, scope), viewer)


def forecast_counts(session: Session, scope: Scope) -> list[tuple]:
    """(author, domain, shared, confidence, outcome, count) of the forecasts in scope: the same
    for every viewer, so a cached team view keeps these and `summarise` runs per viewer."""
    rows = session.execute(
        select(
            Decision.forecast_by,
            Decision.domain,
            Decision.forecast_shared,
            Decision.forecast_confidence,
            Decision.outcome,
            func.count(),
        )
        .where(
            *scope.decisions(Decision.decided_at),
            Decision.forecast_confidence.is_not(None),
        )
        .group_by(
            Decision.forecast_by,
            Decision.domain,
            Decision.forecast_shared,
            Decision.forecast_confidence,
            Decision.outcome,
        )
    ).all()
    return [tuple(row) for row in rows]


def summarise(rows: list[tuple], viewer: str | None = None) -> Calibrations:
    people: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    domains: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    mine: dict[int, list[float]] = defaultdict(list)
    pending = 0
    for author, domain, shared, confidence, outcome, count in rows:
        score = SCORES.get(outcome or "")
        if score is None:
            pending += count if shared else 0
            continue
        if author == viewer:
            mine[confidence] += [score] * count
        if not shared:
            continue  # private: counted for its author alone
        people[author][confidence] += [score] * count
        if domain:
            domains[domain][confidence] += [score] * count

    def ranked(groups: dict[str, dict[int, list[float]]]) -> list[Calibration]:
        found = [calibrate(name, forecasts) for name, forecasts in groups.items()]
        return sorted(found, key=lambda c: (-c.forecasts, c.name))

    return Calibrations(
        people=ranked(people),
        domains=ranked(domains),
        mine=calibrate(viewer, mine) if viewer is not None else None,
        pending=pending,
    )
