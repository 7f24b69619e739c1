"""Shadow authority: does the person who decides follow the charter and the room's expertise?

For each decided decision the log keeps who the charter named for its domain and whom the
expertise poll recommended, as they stood when it was decided (`named_for`, called by
decisions.record_resolution). The figures compare them with who actually decided: over the
decisions where someone was named at all, the share decided by the charter's authority, by the
poll's expert, and by neither; the people who most often decide in domains the charter gives
someone else; and the domains whose authority is most often bypassed.

One grouped pass over a partial index that holds exactly those decisions (migration 0014).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from fractions import Fraction

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.db.models import Decision, ExpertisePoll
from app.domain import authority as charter_authority
from app.domain.authority import Source
from app.domain.metrics import Scope, share
from app.vocabulary import PollStatus, Status

ALIGNMENT_MIN = 5  # decisions where someone was named, before any share is shown
BYPASS_MIN = 3  # a domain's decisions before its bypass can be called systematic
SYSTEMATIC = Fraction(2, 3)  # share of a domain's decisions decided by someone else: systematic
TOP = 5
DECIDED = (Status.DECIDED, Status.SUPERSEDED)  # a superseded decision was decided all the same


def named_for(session: Session, decision: Decision, now: datetime) -> tuple[str | None, str | None]:
    """(who the charter names for the decision's domain now, whom its last closed poll
    recommended). A domain held by a rotation names the rotation's lead of the moment."""
    authority = None
    if decision.domain:
        # The charter's own answer (authority.who_decides), without its fallbacks: with no
        # channel given, a rotation lead can only be the domain's own rotation's.
        named = charter_authority.who_decides(session, decision.team_id, decision.domain, None, now)
        if named.source in (Source.CHARTER_DEFAULT, Source.ROTATION_LEAD):
            authority = named.decider_id
    result = session.scalar(
        select(ExpertisePoll.result)
        .where(
            ExpertisePoll.team_id == decision.team_id,
            ExpertisePoll.decision_id == decision.id,
            ExpertisePoll.status == PollStatus.CLOSED,
            ExpertisePoll.result.is_not(None),
        )
        .order_by(ExpertisePoll.closed_at.desc(), ExpertisePoll.id.desc())
        .limit(1)
    )
    expert = (result or {}).get("recommended")
    return authority, expert if isinstance(expert, str) else None


@dataclass(frozen=True)
class DomainBypass:
    domain: str
    bypassed: int  # decided by someone other than the charter's authority
    decided: int  # decided decisions in the domain with a charter authority

    @property
    def systematic(self) -> bool:
        return self.decided >= BYPASS_MIN and self.bypassed >= SYSTEMATIC * self.decided


@dataclass(frozen=True)
class Alignment:
    named: int  # decided decisions where the charter or a poll named someone
    by_charter: int  # decided by the charter's authority (perhaps also the poll's expert)
    by_expert: int  # decided by the poll's expert (perhaps also the charter's authority)
    by_both: int
    by_neither: int
    outsiders: list[tuple[str, int]] = field(default_factory=list)  # most first
    bypassed: list[DomainBypass] = field(default_factory=list)  # most bypassed first

    @property
    def enough(self) -> bool:
        return self.named >= ALIGNMENT_MIN

    @property
    def charter_share(self) -> float | None:
        return share(self.by_charter, self.named)

    @property
    def expert_share(self) -> float | None:
        return share(self.by_expert, self.named)

    @property
    def neither_share(self) -> float | None:
        return share(self.by_neither, self.named)

    @property
    def systematic(self) -> list[DomainBypass]:
        """Domains whose decisions mostly go to someone other than the charter's authority:
        the retrospective asks whether the charter should change."""
        return [d for d in self.bypassed if d.systematic]


def _named(scope: Scope) -> list:
    return [
        *scope.decisions(Decision.decided_at),
        or_(Decision.charter_authority_id.is_not(None), Decision.poll_expert_id.is_not(None)),
        Decision.status.in_(DECIDED),
    ]


def alignment(session: Session, scope: Scope) -> Alignment:
    """Shadow authority over the decisions decided in scope."""
    rows = session.execute(
        select(
            Decision.decider_id,
            Decision.charter_authority_id,
            Decision.poll_expert_id,
            Decision.domain,
            func.count(),
        )
        .where(*_named(scope))
        .group_by(
            Decision.decider_id,
            Decision.charter_authority_id,
            Decision.poll_expert_id,
            Decision.domain,
        )
    ).all()
    return from_rows([tuple(row) for row in rows])


def from_rows(rows: list[tuple[str | None, str | None, str | None, str | None, int]]) -> Alignment:
    """The figures from (decider, charter authority, poll expert, domain, decisions) rows."""
    named = charter = expert = both = neither = 0
    outsiders: Counter[str] = Counter()
    bypassed: Counter[str] = Counter()
    in_domain: Counter[str] = Counter()
    for decider, authority, poll_expert, domain, count in rows:
        named += count
        by_charter = decider is not None and decider == authority
        by_expert = decider is not None and decider == poll_expert
        charter += count * by_charter
        expert += count * by_expert
        both += count * (by_charter and by_expert)
        neither += count * (not by_charter and not by_expert)
        if authority is not None and domain:
            in_domain[domain] += count
            if not by_charter:
                bypassed[domain] += count
                if decider is not None:
                    outsiders[decider] += count
    return Alignment(
        named=named,
        by_charter=charter,
        by_expert=expert,
        by_both=both,
        by_neither=neither,
        outsiders=sorted(outsiders.items(), key=lambda row: (-row[1], row[0])),
        bypassed=sorted(
            (DomainBypass(d, n, in_domain[d]) for d, n in bypassed.items()),
            key=lambda row: (-row.bypassed, -row.bypassed / row.decided, row.domain),
        ),
    )


WEEK_KINDS = ("both", "charter", "expert", "neither")


def weekly(session: Session, scope: Scope) -> list[tuple[date, dict[str, int]]]:
    """(Monday, {both, charter (only), expert (only), neither: decisions}) week by week: who
    decided, against who was named, over time."""
    rows = session.execute(
        select(
            Decision.decided_at,
            Decision.decider_id,
            Decision.charter_authority_id,
            Decision.poll_expert_id,
        ).where(*_named(scope))
    )
    weeks: dict[date, Counter[str]] = {}
    for decided_at, decider, authority, expert in rows:
        monday = decided_at.date() - timedelta(days=decided_at.weekday())
        by_charter = decider is not None and decider == authority
        by_expert = decider is not None and decider == expert
        kind = (
            "both"
            if by_charter and by_expert
            else "charter"
            if by_charter
            else "expert"
            if by_expert
            else "neither"
        )
        weeks.setdefault(monday, Counter())[kind] += 1
    return [(monday, {k: weeks[monday][k] for k in WEEK_KINDS}) for monday in sorted(weeks)]
