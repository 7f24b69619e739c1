"""Never decide the same thing twice: the team's decisions that look like a new one.

Before a decision is declared, the person declaring it is shown the team's decisions that ask
the same question: still open (or escalated), or decided within the last year (older ones
have had time to change; cancelled and superseded ones are not what the team holds now).

"Looks like" is trigram similarity (pg_trgm's measure) between title keys: the titles' content
words, framing dropped (app/db/title_key.py). The threshold comes from the labelled corpus in
tests/domain/similar_corpus.py: at 0.35 it finds every near-duplicate and rewording there
(recall 1.00) while a few titles close in words but different in subject get shown too
(precision 0.87); at 0.40 one rewording is missed. A title shown by mistake costs one click
("Declare anyway"); a question decided twice is what the product exists to prevent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_
from sqlalchemy.orm import Session

from app.db import dialect
from app.db.models import Decision
from app.db.title_key import title_key
from app.domain.text import clean
from app.vocabulary import Status

log = logging.getLogger(__name__)

THRESHOLD = 0.35
SHOWN = 3  # a private notice, not a search: the closest few
WINDOW = timedelta(days=365)  # decided within the last year
# SQLite (and PostgreSQL without pg_trgm) compares in Python: the newest this many of the
# team's open or recently decided decisions. A team declaring more than 50 a day for a year
# belongs on PostgreSQL, whose index compares them all.
SCAN_CAP = 20_000
# The check runs before a command is acknowledged (Slack allows 3 s). Should PostgreSQL take
# longer than this, the declaration goes ahead unchecked rather than late (bench/README.md).
BUDGET_MS = 800


@dataclass(frozen=True)
class SimilarDecision:
    """What the notice needs to say about one earlier decision."""

    id: int
    title: str
    status: Status
    decider_id: str | None
    created_by: str
    created_at: datetime
    decided_at: datetime | None
    permalink: str | None
    score: float

    @property
    def is_decided(self) -> bool:
        return self.status == Status.DECIDED


def find_similar(
    session: Session,
    team_id: str,
    title: str,
    now: datetime,
    *,
    limit: int = SHOWN,
    budget_ms: int = BUDGET_MS,
) -> list[SimilarDecision]:
    """The team's open or recently decided decisions most like `title`, closest first."""
    key = title_key(clean(title, single_line=True))
    if not key:
        return []
    cutoff = now - WINDOW

    def candidates(rows):  # the decisions table, or the database's narrow copy of its keys
        return [
            rows.team_id == team_id,
            or_(
                rows.status.in_((Status.OPEN, Status.ESCALATED)),
                and_(rows.status == Status.DECIDED, rows.decided_at >= cutoff),
            ),
        ]

    columns = (
        Decision.id,
        Decision.title,
        Decision.status,
        Decision.decider_id,
        Decision.created_by,
        Decision.created_at,
        Decision.decided_at,
        Decision.permalink,
    )
    found = dialect.most_similar(
        session,
        columns,
        key,
        candidates,
        threshold=THRESHOLD,
        limit=limit,
        scan_cap=SCAN_CAP,
        budget_ms=budget_ms,
    )
    if found is None:
        log.warning("similar-decision check on %s took over %d ms: skipped", team_id, budget_ms)
        return []
    return [SimilarDecision(*row, score=round(score, 3)) for row, score in found]
