"""The figures of one scope as `/decide stats` and Home show them: the dashboard and the insight
figures beside it, read together, optionally shared through a TeamCache (app/domain/team_cache)
by everyone in the team who asks for the same scope meanwhile.

They are nine reads that need nothing of each other: the dashboard's four (metrics.dashboard),
shadow authority, the forecasts, participation's polls and consensus checks, and the charter's
formal leads. Only the arithmetic after them joins them: participation's hidden experts need the
dashboard's decisions per decider, read once by the tally. With `side` (app.db.side_reads, on
PostgreSQL) the reads run side by side on connections of their own while this thread reads the
tally, so a request waits about as long as its longest read instead of all nine in turn; the
answers are the same ones the sequential reads give (see side_reads on snapshots).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from app.db.side_reads import SideReads, beside
from app.domain import alignment, calibration, charter, insight, metrics, participation
from app.domain.team_cache import TeamCache


@dataclass(frozen=True)
class Figures:
    board: metrics.Dashboard
    team: insight.TeamFigures  # finished per viewer: their own forecasts

    def insight_for(self, viewer: str | None) -> insight.Insight:
        return self.team.for_viewer(viewer)


def figures(session: Session, scope: metrics.Scope, side: SideReads | None = None) -> Figures:
    """With `side`, every read but the tally is started on a side session, longest first (as
    measured at a million decisions), and this thread reads the tally meanwhile; a side read's
    error is raised here. Without it (SQLite, tests), or should it be shut down meanwhile, the
    same reads run in `session`, one after another."""
    reads = (  # longest first, as measured at a million decisions
        metrics.velocity,
        participation.poll_rows,
        metrics.closed_polls,
        participation.check_rows,
        alignment.alignment,
        calibration.forecast_counts,
        metrics.escalations,
    )
    pending = [beside(side, session, read, scope) for read in reads]
    leads = frozenset(charter.formal_leads(session, scope.team_id))
    counted = metrics.read_tally(session, scope)
    # Last started first: what no side thread has begun by now, this thread reads itself.
    answers = [get() for get in reversed(pending)][::-1]
    speed, polled, closed, checked, aligned, forecasts, escalated = answers
    board = metrics.assemble(scope, leads, counted, speed, escalated, closed)
    decided = dict(board.concentration.by_decider)  # hidden experts: no second read
    team = insight.TeamFigures(
        alignment=aligned,
        forecasts=forecasts,
        participation=participation.from_rows([*polled, *checked], decided),
    )
    return Figures(board, team)


def shared_figures(
    session: Session,
    scope: metrics.Scope,
    now: datetime,
    cache: TeamCache | None,
    key: Hashable,
    side: SideReads | None = None,
) -> Figures:
    """`figures`, from `cache` under `key` (what names the scope apart from `now`: channel and
    period) when another request computed it within the cache's TTL and no write intervened."""
    if cache is None:
        return figures(session, scope, side)
    return cache.get(scope.team_id, now, lambda: figures(session, scope, side), key=key)
