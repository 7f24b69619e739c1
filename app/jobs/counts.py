"""Folding the decisions' recorded changes into their running totals (app/db/counts.py)."""

from __future__ import annotations

import logging

from app import jobs
from app.domain import metrics

log = logging.getLogger(__name__)


def fold_decision_counts() -> int:
    """Every change recorded since the last fold, moved into the totals the dashboard reads.
    Figures are right whether or not this runs (readers add the changes not folded); it
    keeps what they add small. Returns how many change rows were folded."""
    with jobs.installed().sessions.begin() as session:
        folded = metrics.fold_counts(session)
    log.debug("folded %d decision count changes", folded)
    return folded
