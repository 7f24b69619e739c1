"""The figures of one scope as `/decide stats` and Home show them: the dashboard and the insight
figures beside it, read together, optionally shared through a TeamCache (app/domain/team_cache)
by everyone in the team who asks for the same scope meanwhile."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from app.domain import charter, insight, metrics
from app.domain.team_cache import TeamCache


@dataclass(frozen=True)
class Figures:
    board: metrics.Dashboard
    team: insight.TeamFigures  # finished per viewer: their own forecasts

    def insight_for(self, viewer: str | None) -> insight.Insight:
        return self.team.for_viewer(viewer)


def figures(session: Session, scope: metrics.Scope) -> Figures:
    leads = frozenset(charter.formal_leads(session, scope.team_id))
    board = metrics.dashboard(session, scope, formal_leads=leads)
    return Figures(board, insight.figures(session, scope, board))


def shared_figures(
    session: Session,
    scope: metrics.Scope,
    now: datetime,
    cache: TeamCache | None,
    key: Hashable,
) -> Figures:
    """`figures`, from `cache` under `key` (what names the scope apart from `now`: channel and
    period) when another request computed it within the cache's TTL and no write intervened."""
    if cache is None:
        return figures(session, scope)
    return cache.get(scope.team_id, now, lambda: figures(session, scope), key=key)
