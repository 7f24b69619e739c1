"""What one person's App Home shows: their open decisions, what waits for them, the team's
recent decisions, rotation leads, charter domains and the team's figures. Each list is one
indexed query with a limit, plus a capped count for "N more". Plain data: blocks/home.py draws
it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import Decision, ExpertisePoll, PollVote
from app.db.side_reads import SideReads, beside
from app.domain import charter, insight, metrics, rotation_service
from app.domain.decisions import LOG_COUNT_CAP
from app.domain.figures import figures
from app.domain.poll_service import voter_key
from app.domain.team_cache import TeamCache
from app.vocabulary import PollStatus, Status, Zone

OPEN = (Status.OPEN, Status.ESCALATED)
DASHBOARD_DAYS = 30  # the period of the team's figures on Home
# Past this many unshown rows a list says "more than 1,000 more", as `/decide log` does: the
# team's whole log can hold a million decisions, and nobody needs that counted to open Home.
COUNT_CAP = LOG_COUNT_CAP


@dataclass(frozen=True)
class Page:
    items: list
    total: int  # the items shown and the rest, the rest counted up to COUNT_CAP + 1

    @property
    def more(self) -> int:
        return self.total - len(self.items)

    @property
    def capped(self) -> bool:
        """Whether the rest was too many to count: `more` then only says "above COUNT_CAP"."""
        return self.more > COUNT_CAP


@dataclass(frozen=True)
class HomeData:
    mine: Page  # open decisions I decide
    polls: Page  # open polls I have not answered: (poll, decision title)
    outcomes: Page  # my decided decisions still without an outcome
    recent: Page  # the team's latest decisions


@dataclass(frozen=True)
class RotationLead:
    name: str
    channel_id: str
    lead_id: str


@dataclass(frozen=True)
class DomainHolder:
    """Who decides in a charter domain: a person, the lead of a rotation, or nobody yet."""

    name: str
    authority_id: str | None
    by_rotation: bool
    zone: Zone


@dataclass(frozen=True)
class Home:
    data: HomeData
    board: metrics.Dashboard
    leads: list[RotationLead]
    domains: list[DomainHolder]
    insight: insight.Insight | None = None


@dataclass(frozen=True)
class TeamView:
    """The part of Home that is the same for everyone in the team: the costly part."""

    board: metrics.Dashboard
    figures: insight.TeamFigures
    recent: Page


def team_view(
    session: Session, team_id: str, now: datetime, limit: int = 8, side: SideReads | None = None
) -> TeamView:
    """With `side`, the recent decisions are read beside the figures (app.domain.figures)."""
    scope = metrics.Scope(team_id, since=now - timedelta(days=DASHBOARD_DAYS))
    recent = beside(side, session, _recent, team_id, limit)
    found = figures(session, scope, side)
    return TeamView(found.board, found.team, recent())


def home_for(
    session: Session,
    team_id: str,
    user_id: str,
    now: datetime,
    review_days: int,
    cache: TeamCache | None = None,
    side: SideReads | None = None,
) -> Home:
    """Everything one person's Home tab shows, read in one session; with `side`, their own
    lists and the team's part are read side by side (team_view). With `cache`, the team's part
    is computed once for everyone in the team who opens Home meanwhile."""

    def compute() -> TeamView:
        return team_view(session, team_id, now, side=side)

    lists = beside(side, session, _personal, team_id, user_id, now, review_days)
    team = cache.get(team_id, now, compute) if cache is not None else compute()
    mine, polls, outcomes = lists()
    return Home(
        data=HomeData(mine, polls, outcomes, team.recent),
        board=team.board,
        insight=team.figures.for_viewer(user_id),
        leads=[
            RotationLead(r.name, r.channel_id, rotation_service.lead_now(session, r, now))
            for r in rotation_service.in_team(session, team_id)
        ],
        domains=[
            DomainHolder(d.name, d.authority_id, d.rotation_id is not None, d.zone)
            for d in charter.domains(session, team_id)
        ],
    )


def _page(session: Session, query, limit: int) -> Page:
    """The first `limit` rows of `query`, and how many follow them, counted up to COUNT_CAP + 1
    (a short page has none following, so it needs no count)."""
    items = list(session.scalars(query.limit(limit)))
    if len(items) < limit:
        return Page(items, len(items))
    # How many rows follow the first `limit` does not depend on their order: count any.
    rest = query.with_only_columns(Decision.id).order_by(None).offset(limit)
    more = session.scalar(select(func.count()).select_from(rest.limit(COUNT_CAP + 1).subquery()))
    return Page(items, limit + (more or 0))


def home_data(
    session: Session, team_id: str, user_id: str, now: datetime, review_days: int, limit: int = 8
) -> HomeData:
    """Home's lists alone."""
    recent = _recent(session, team_id, limit)
    return HomeData(*_personal(session, team_id, user_id, now, review_days, limit), recent)


def _recent(session: Session, team_id: str, limit: int) -> Page:
    recent = (
        select(Decision)
        .where(Decision.team_id == team_id)
        .order_by(Decision.created_at.desc(), Decision.id.desc())
    )
    return _page(session, recent, limit)


def _personal(
    session: Session,
    team_id: str,
    user_id: str,
    now: datetime,
    review_days: int,
    limit: int = 8,
) -> tuple[Page, Page, Page]:
    """(mine, polls, outcomes): the lists that are one person's own."""
    mine = (
        select(Decision)
        .where(
            Decision.team_id == team_id, Decision.decider_id == user_id, Decision.status.in_(OPEN)
        )
        # Soonest deadline first, none last: the order of the open-decisions index (0017).
        .order_by(Decision.deadline.asc().nulls_last(), Decision.created_at)
    )
    outcomes = (
        select(Decision)
        .where(
            Decision.team_id == team_id,
            Decision.decider_id == user_id,
            Decision.status == Status.DECIDED,
            Decision.outcome.is_(None),
            Decision.decided_at <= now - timedelta(days=review_days),
        )
        .order_by(Decision.decided_at)
    )
    return (
        _page(session, mine, limit),
        _waiting_polls(session, team_id, user_id, limit),
        _page(session, outcomes, limit),
    )


def _waiting_polls(session: Session, team_id: str, user_id: str, limit: int) -> Page:
    """Open polls this person has not answered, in one query for their ballots whatever the
    number of polls. Anonymous ballots are keyed by a salted hash, recomputed here per poll, so
    the check never stores or reveals who voted."""
    rows = session.execute(
        select(ExpertisePoll, Decision.title)
        .join(
            Decision,
            (Decision.team_id == ExpertisePoll.team_id)
            & (Decision.id == ExpertisePoll.decision_id),
        )
        .where(ExpertisePoll.team_id == team_id, ExpertisePoll.status == PollStatus.OPEN)
        .order_by(ExpertisePoll.closes_at)
    ).all()
    keys = {poll.id: voter_key(poll, user_id) for poll, _ in rows}
    answered = set()
    if keys:
        answered = set(
            session.execute(
                select(PollVote.poll_id, PollVote.voter_key).where(
                    PollVote.team_id == team_id,
                    PollVote.poll_id.in_(keys),
                    PollVote.voter_key.in_(set(keys.values())),
                )
            ).tuples()
        )
    waiting = [(poll, title) for poll, title in rows if (poll.id, keys[poll.id]) not in answered]
    return Page(waiting[:limit], len(waiting))
