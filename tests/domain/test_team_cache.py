"""The team's part of Home is computed once for everyone in the team, for at most the TTL, and
forgotten the moment a write to that team commits in this process."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.db.models import Decision
from app.domain import figures, home, metrics
from app.domain.clock import ManualClock
from app.domain.team_cache import TTL, TeamCache
from tests.domain.factories import ALICE, BOB, CAROL, T1, T2, decide, open_decision


def counting(value="v"):
    calls = []

    def compute():
        calls.append(1)
        return f"{value}{len(calls)}"

    return compute, calls


def test_one_computation_per_team_within_the_ttl(clock: ManualClock) -> None:
    cache = TeamCache()
    compute, calls = counting()
    assert cache.get(T1, clock.now(), compute) == "v1"
    clock.advance(TTL - timedelta(seconds=1))
    assert cache.get(T1, clock.now(), compute) == "v1"
    assert cache.get(T2, clock.now(), compute) == "v2"  # another team has its own
    clock.advance(timedelta(seconds=1))  # TTL after the first: stale
    assert cache.get(T1, clock.now(), compute) == "v3"
    assert len(calls) == 3


def test_a_clock_that_went_back_does_not_trust_the_entry(clock: ManualClock) -> None:
    cache = TeamCache()
    compute, _ = counting()
    cache.get(T1, clock.now(), compute)
    assert cache.get(T1, clock.now() - timedelta(seconds=1), compute) == "v2"


def test_a_value_computed_across_a_commit_is_not_kept(clock: ManualClock) -> None:
    cache = TeamCache()

    def racing():
        cache.forget(T1)  # a write committed while this read ran
        return "old"

    assert cache.get(T1, clock.now(), racing) == "old"
    compute, _ = counting("new")
    assert cache.get(T1, clock.now(), compute) == "new1"


def _opened(home_view: home.Home) -> int:
    return home_view.board.opened


def _home(sessions: sessionmaker[Session], clock: ManualClock, cache: TeamCache, who: str):
    with sessions() as session:
        return home.home_for(session, T1, who, clock.now(), 14, cache=cache)


def test_a_commit_to_the_team_refreshes_home_at_once(
    sessions: sessionmaker[Session], clock: ManualClock
) -> None:
    cache = TeamCache()
    cache.watch(sessions)
    with sessions.begin() as session:
        open_decision(session, clock.now())
    assert _opened(_home(sessions, clock, cache, ALICE)) == 1
    with sessions.begin() as session:
        decision = open_decision(session, clock.now(), title="Second")
    assert _opened(_home(sessions, clock, cache, BOB)) == 2
    with sessions.begin() as session:  # the ORM changes one row: its team is forgotten
        decide(session, session.get(Decision, decision.id), clock.now())
    assert _home(sessions, clock, cache, BOB).board.velocity.decided == 1


def test_writes_elsewhere_leave_the_team_cached_until_the_ttl(
    engine, sessions: sessionmaker[Session], clock: ManualClock
) -> None:
    """Another team's write, a rolled-back write, and a write this process did not see (another
    worker: an unwatched factory) keep the value; the TTL bounds how stale it gets."""
    cache = TeamCache()
    cache.watch(sessions)
    with sessions.begin() as session:
        open_decision(session, clock.now())
    first = _home(sessions, clock, cache, ALICE)
    with sessions.begin() as session:
        open_decision(session, clock.now(), team=T2)
    with sessions() as session:
        open_decision(session, clock.now(), title="Never kept")
        session.rollback()
    other_worker = sessionmaker(engine, expire_on_commit=False)
    with other_worker.begin() as session:
        open_decision(session, clock.now(), title="From another worker")
    assert _home(sessions, clock, cache, BOB).board is first.board
    clock.advance(TTL)
    assert _opened(_home(sessions, clock, cache, BOB)) == 2


def test_a_bulk_update_forgets_the_team_it_names(
    sessions: sessionmaker[Session], clock: ManualClock
) -> None:
    cache = TeamCache()
    cache.watch(sessions)
    with sessions.begin() as session:
        open_decision(session, clock.now())
        open_decision(session, clock.now(), team=T2)
    first = _home(sessions, clock, cache, ALICE)
    with sessions() as session:
        t2 = home.home_for(session, T2, ALICE, clock.now(), 14, cache=cache)
    with sessions.begin() as session:
        session.execute(update(Decision).where(Decision.team_id == T1).values(decider_id=CAROL))
    again = _home(sessions, clock, cache, ALICE)
    assert again.board is not first.board
    assert again.board.concentration.by_decider == [(CAROL, 1)]
    with sessions() as session:
        assert home.home_for(session, T2, ALICE, clock.now(), 14, cache=cache).board is t2.board


def test_each_viewer_still_sees_their_own_lists(
    sessions: sessionmaker[Session], clock: ManualClock
) -> None:
    cache = TeamCache()
    cache.watch(sessions)
    with sessions.begin() as session:
        open_decision(session, clock.now(), decider=BOB)
    alice, bob = (_home(sessions, clock, cache, who) for who in (ALICE, BOB))
    assert alice.board is bob.board
    assert [d.decider_id for d in bob.data.mine.items] == [BOB]
    assert alice.data.mine.items == []
    assert bob.insight.calibration.mine.name == BOB
    assert alice.insight.calibration.mine.name == ALICE


def test_stats_share_figures_per_channel_and_period_not_per_viewer(
    sessions: sessionmaker[Session], clock: ManualClock
) -> None:
    cache = TeamCache()
    cache.watch(sessions)
    with sessions.begin() as session:
        open_decision(session, clock.now(), channel="C1")
        open_decision(session, clock.now(), channel="C2")
    month = metrics.Scope(T1, since=clock.now() - timedelta(days=30))
    channel = metrics.Scope(T1, "C1", since=clock.now() - timedelta(days=30))

    def shared(scope, key):
        with sessions() as session:
            return figures.shared_figures(session, scope, clock.now(), cache, key)

    team = shared(month, ("stats", None, 30))
    assert shared(channel, ("stats", "C1", 30)).board.opened == 1
    assert team.board.opened == 2
    assert shared(month, ("stats", None, 30)) is team
    assert team.insight_for(ALICE).calibration.mine.name == ALICE
    with sessions.begin() as session:
        open_decision(session, clock.now(), channel="C1")
    assert shared(channel, ("stats", "C1", 30)).board.opened == 2
    assert shared(month, ("stats", None, 30)).board.opened == 3


def test_an_orm_bulk_insert_forgets_the_team_it_names_and_fails_nothing(
    sessions: sessionmaker[Session], clock: ManualClock
) -> None:
    """Closing a retro rewrites its answers with an ORM bulk INSERT (app.domain.anonymity):
    noting which team it touched must not compile that statement out of its execution."""
    cache = TeamCache()
    cache.watch(sessions)
    with sessions.begin() as session:
        open_decision(session, clock.now())
    first = _home(sessions, clock, cache, ALICE)
    with sessions.begin() as session:
        row = session.scalars(select(Decision)).one()
        values = {c.key: getattr(row, c.key) for c in Decision.__table__.columns}
        copy = {"id": row.id + 1000, "title": "Copy", "origin_key": "copy"}
        session.execute(insert(Decision), [values | copy])
    assert _home(sessions, clock, cache, ALICE).board is not first.board
