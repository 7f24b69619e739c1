"""The series behind the charts: velocity week by week, and outcomes per framework."""

from __future__ import annotations

import statistics
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import Decision
from app.domain.metrics import Scope, seconds_to_decide
from app.vocabulary import Status


def weekly_velocity(session: Session, scope: Scope) -> list[tuple[date, float, int]]:
    """(Monday of the week, median hours to decide, decisions decided) for each week."""
    rows = session.execute(
        select(Decision.decided_at, seconds_to_decide(session)).where(
            *scope.decisions(Decision.decided_at), Decision.decided_at.is_not(None)
        )
    )
    weeks: dict[date, list[float]] = {}
    for decided_at, seconds in rows:
        monday = decided_at.date() - timedelta(days=decided_at.weekday())
        weeks.setdefault(monday, []).append(seconds / 3600)
    return [
        (monday, round(statistics.median(hours), 4), len(hours))
        for monday, hours in sorted(weeks.items())
    ]


def outcomes_by_framework(session: Session, scope: Scope) -> dict[str, dict[str, int]]:
    """framework -> outcome -> decided decisions; no framework and no outcome get names."""
    rows = session.execute(
        select(Decision.framework, Decision.outcome, func.count())
        .where(*scope.decisions(Decision.decided_at), Decision.status == Status.DECIDED)
        .group_by(Decision.framework, Decision.outcome)
    )
    table: dict[str, dict[str, int]] = {}
    for framework, outcome, count in rows:
        name = framework.value if framework else "not stated"
        table.setdefault(name, {})[outcome or "not reviewed"] = count
    return table
