"""The figures no other tool gives, gathered for one scope: shadow authority (alignment),
calibration of forecasts, and whose voice is heard (participation). Each carries whether it has
enough data to be shown; blocks say how many it has when it does not."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.domain.alignment import Alignment, alignment
from app.domain.calibration import Calibrations, calibrations
from app.domain.metrics import Dashboard, Scope
from app.domain.participation import Participation, participation


@dataclass(frozen=True)
class Insight:
    alignment: Alignment
    calibration: Calibrations
    participation: Participation


def gather(
    session: Session, scope: Scope, board: Dashboard | None = None, viewer: str | None = None
) -> Insight:
    """`board`, when the caller has the dashboard, lends its decisions per decider (hidden
    experts) so nothing is read twice; `viewer` sees their own forecasts, shared or not."""
    decided = dict(board.concentration.by_decider) if board is not None else None
    return Insight(
        alignment=alignment(session, scope),
        calibration=calibrations(session, scope, viewer),
        participation=participation(session, scope, decided),
    )
