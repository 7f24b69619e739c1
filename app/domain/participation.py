"""Whose voice is heard: who answers the expertise polls and consensus checks they are asked.

A poll or a consensus check asks the channel it is posted in. Slack does not tell the bot who
was in a channel months ago, so a person counts as asked by every poll and check in the
channels where they took part in at least one during the period (answered or opened one, were
nominated in a poll, or were the decider a check asked about). Answered counts their poll
ballots and consensus answers.

Anonymous polls count only as totals (polls, ballots). They add nothing to anyone's figures:
not answered, not asked, not presence in a channel, not nominations, so no per-person number
moves with an anonymous ballot and nothing here can tell who cast one.

Gini of participation (0: everyone answers as often; towards 1: a few voices answer
everything) runs over answered counts of everyone counted, zeros included. Hidden experts are
people peers nominate often who rarely decide.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import CompoundSelect, String, distinct, func, literal, select, union_all
from sqlalchemy.orm import Session

from app.db.dialect import outer_join_each
from app.db.models import ConsensusCheck, ConsensusVote, Decision, ExpertisePoll, PollVote
from app.domain.metrics import Scope

PARTICIPATION_MIN = 5  # polls and consensus checks (not anonymous) before figures are shown
PEOPLE_MIN = 3  # people counted before a Gini means anything
HIDDEN_NOMINATIONS = 3  # peer nominations that make someone "often nominated"
HIDDEN_RATIO = 3  # ...who decided at most one decision per this many nominations


@dataclass(frozen=True)
class Voice:
    user_id: str
    answered: int
    asked: int
    nominated: int = 0

    @property
    def rate(self) -> float | None:
        return self.answered / self.asked if self.asked else None


@dataclass(frozen=True)
class Participation:
    asks: int  # polls and consensus checks in scope, anonymous polls aside
    voices: list[Voice]  # most answers first
    anonymous_polls: int
    anonymous_ballots: int
    hidden: list[tuple[str, int, int]] = field(default_factory=list)  # (who, nominated, decided)

    @property
    def enough(self) -> bool:
        return self.asks >= PARTICIPATION_MIN and len(self.voices) >= PEOPLE_MIN

    @property
    def gini(self) -> float | None:
        return gini_with_zeros([v.answered for v in self.voices]) if self.enough else None


def gini_with_zeros(counts: list[int]) -> float | None:
    """Gini over everyone counted, silent people (zeros) included."""
    values = sorted(counts)
    n, total = len(values), sum(values)
    if n == 0 or total == 0:
        return None
    weighted = sum(rank * value for rank, value in enumerate(values, start=1))
    return round(2 * weighted / (n * total) - (n + 1) / n, 4)


def _since(scope: Scope, column) -> list:
    return [column >= scope.since] if scope.since is not None else []


def _polls_in(scope: Scope) -> list:
    """Polls (a poll carries its decision's channel) opened in scope."""
    where = [ExpertisePoll.team_id == scope.team_id]
    if scope.channel_id:
        where.append(ExpertisePoll.channel_id == scope.channel_id)
    return where + _since(scope, ExpertisePoll.created_at)


def _poll_figures(session: Session, scope: Scope) -> CompoundSelect:
    """(kind, channel, person, count) rows for the polls in scope, aggregated by the database:
    asks per channel and openers per channel and person from the polls alone; answers and
    nominations per channel and person from the polls joined to their ballots; anonymous polls
    only as two totals, never per person. (For "present" only who, not how many, matters.)"""
    polls = (
        select(
            ExpertisePoll.team_id.label("team"),
            ExpertisePoll.id.label("poll"),
            ExpertisePoll.channel_id.label("channel"),
            ExpertisePoll.opened_by.label("opener"),
            ExpertisePoll.anonymous.label("anonymous"),
        )
        .where(*_polls_in(scope))
        .cte("polls")
    )
    p = polls.c
    on_poll = (PollVote.team_id == p.team) & (PollVote.poll_id == p.poll)
    joined, ballot = outer_join_each(
        session,
        polls,
        PollVote.__table__,
        on_poll,
        [PollVote.voter_key, PollVote.nominee_id],
        "ballots",
    )
    polled = (
        select(
            p.channel,
            p.anonymous,
            ballot["voter_key"].label("voter"),
            ballot["nominee_id"].label("nominee"),
        )
        .select_from(joined)
        .cte("polled")
    )
    c = polled.c
    nobody = literal(None, String)
    return union_all(
        select(literal("asks"), p.channel, nobody, func.count())
        .where(p.anonymous.is_(False))
        .group_by(p.channel),
        select(literal("present"), p.channel, p.opener, func.count())
        .where(p.anonymous.is_(False))
        .group_by(p.channel, p.opener),
        select(literal("anonymous_polls"), nobody, nobody, func.count()).where(
            p.anonymous.is_(True)
        ),
        select(literal("answered"), c.channel, c.voter, func.count())
        .where(c.anonymous.is_(False), c.voter.is_not(None))
        .group_by(c.channel, c.voter),
        select(literal("nominated"), c.channel, c.nominee, func.count())
        .where(c.anonymous.is_(False), c.nominee.is_not(None), c.nominee != c.voter)
        .group_by(c.channel, c.nominee),
        select(literal("anonymous_ballots"), nobody, nobody, func.count(c.voter)).where(
            c.anonymous.is_(True)
        ),
    )


def _check_figures(scope: Scope) -> CompoundSelect:
    """The same rows for consensus checks: asks, answers, and who asked or was asked about."""
    checked = (
        select(
            ConsensusCheck.id.label("check"),
            Decision.channel_id.label("channel"),
            ConsensusCheck.asked_by.label("asker"),
            ConsensusCheck.decider_id.label("named"),
            ConsensusVote.user_id.label("voter"),
        )
        .select_from(ConsensusCheck)
        .join(
            Decision,
            (Decision.team_id == ConsensusCheck.team_id)
            & (Decision.id == ConsensusCheck.decision_id),
        )
        .outerjoin(
            ConsensusVote,
            (ConsensusVote.team_id == ConsensusCheck.team_id)
            & (ConsensusVote.check_id == ConsensusCheck.id),
        )
        .where(
            ConsensusCheck.team_id == scope.team_id,
            *scope.place(),
            *_since(scope, ConsensusCheck.created_at),
        )
        .cte("checked")
    )
    c = checked.c
    nobody = literal(None, String)
    return union_all(
        select(literal("asks"), c.channel, nobody, func.count(distinct(c.check))).group_by(
            c.channel
        ),
        select(literal("answered"), c.channel, c.voter, func.count())
        .where(c.voter.is_not(None))
        .group_by(c.channel, c.voter),
        select(literal("present"), c.channel, c.asker, func.count()).group_by(c.channel, c.asker),
        select(literal("present"), c.channel, c.named, func.count()).group_by(c.channel, c.named),
    )


Rows = list[tuple]  # (kind, channel, person, count): what _poll_figures and _check_figures give


def poll_rows(session: Session, scope: Scope) -> Rows:
    """The polls' figures (`_poll_figures`), read."""
    return [tuple(row) for row in session.execute(_poll_figures(session, scope))]


def check_rows(session: Session, scope: Scope) -> Rows:
    """The consensus checks' figures (`_check_figures`), read."""
    return [tuple(row) for row in session.execute(_check_figures(scope))]


def participation(
    session: Session, scope: Scope, decided: Mapping[str, int] | None = None
) -> Participation:
    """`decided`: decisions per decider in the same scope (the dashboard's concentration), for
    hidden experts; read here when not given. app.domain.figures reads the rows beside the
    dashboard instead and finishes them with `from_rows` once the dashboard is known."""
    rows = [*poll_rows(session, scope), *check_rows(session, scope)]
    if decided is None:
        decided = _decided(session, scope, nominees(rows))
    return from_rows(rows, decided)


def nominees(rows: Rows) -> list[str]:
    """Who `rows` say peers nominated: the people whose decisions hidden experts need."""
    return list(dict.fromkeys(p for kind, _, p, _ in rows if kind == "nominated" and p is not None))


def from_rows(rows: Rows, decided: Mapping[str, int]) -> Participation:
    """The figures from `poll_rows` and `check_rows`, and decisions per decider (hidden
    experts). Pure."""
    asks: Counter[str] = Counter()  # channel -> polls and checks asked there
    present: dict[str, set[str]] = defaultdict(set)  # channel -> people who took part there
    answered: Counter[str] = Counter()
    nominated: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for kind, channel, person, count in rows:
        if kind == "asks":
            asks[channel] += count
        elif kind in ("anonymous_polls", "anonymous_ballots"):
            totals[kind] += count
        elif person is not None:
            present[channel].add(person)
            if kind == "answered":
                answered[person] += count
            elif kind == "nominated":
                nominated[person] += count
    asked: Counter[str] = Counter()
    for channel, people in present.items():
        for person in people:
            asked[person] += asks[channel]
    voices = sorted(
        (Voice(p, answered[p], asked[p], nominated[p]) for p in asked),
        key=lambda v: (-v.answered, -v.asked, v.user_id),
    )
    hidden = sorted(
        (
            (who, n, decided.get(who, 0))
            for who, n in nominated.items()
            if n >= HIDDEN_NOMINATIONS and decided.get(who, 0) * HIDDEN_RATIO <= n
        ),
        key=lambda row: (-row[1], row[2], row[0]),
    )
    return Participation(
        asks=sum(asks.values()),
        voices=voices,
        anonymous_polls=totals["anonymous_polls"],
        anonymous_ballots=totals["anonymous_ballots"],
        hidden=hidden,
    )


def _decided(session: Session, scope: Scope, people: list[str]) -> dict[str, int]:
    if not people:
        return {}
    rows = session.execute(
        select(Decision.decider_id, func.count())
        .where(*scope.decisions(), Decision.decider_id.in_(people))
        .group_by(Decision.decider_id)
    )
    return {who: n for who, n in rows}
