"""The figures no other tool gives, gathered for one scope: shadow authority (alignment),
calibration of forecasts, and whose voice is heard (participation). Each carries whether it has
enough data to be shown; blocks say how many it has when it does not."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.domain.alignment import Alignment, alignment
from app.domain.calibration import Calibrations, forecast_counts, summarise
from app.domain.metrics import Dashboard, Scope
from app.domain.participation import Participation, participation


@dataclass(frozen=True)
class Insight:
    alignment: Alignment
    calibration: Calibrations
    participation: Participation


@dataclass(frozen=True)
class TeamFigures:
    """The same for every viewer: what a cached team view keeps (`for_viewer` finishes it)."""

    alignment: Alignment
    forecasts: list[tuple]  # calibration.forecast_counts
    participation: Participation

    def for_viewer(self, viewer: str | None = None) -> Insight:
        return Insight(self.alignment, summarise(self.forecasts, viewer), self.participation)


def figures(session: Session, scope: Scope, board: Dashboard | None = None) -> TeamFigures:
    """`board`, when the caller has the dashboard, lends its decisions per decider (hidden
    experts) so nothing is read twice."""
    decided = dict(board.concentration.by_decider) if board is not None else None
    return TeamFigures(
        alignment=alignment(session, scope),
        forecasts=forecast_counts(session, scope),
        participation=participation(session, scope, decided),
    )


def gather(
    session: Session, scope: Scope, board: Dashboard | None = None, viewer: str | None = None
) -> Insight:
    """All three for one scope; `viewer` sees their own forecasts, shared or not."""
    return figures(session, scope, board).for_viewer(viewer)
