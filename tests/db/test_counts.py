"""The running totals (decision_day_counts, decision_loads) against the decisions themselves.

Whatever sequence of writes reaches `decisions` (ORM inserts and changes, bulk UPDATEs, deletes,
decisions moved between channels, deciders and days), the tally read from the totals must equal
the tally counted by hand from every decision, for any period start, including one in the middle
of a day, before and after the recorded changes are folded in; and the totals must equal a
rebuild from scratch. On PostgreSQL, concurrent writers to the same totals, each changing two
decisions per transaction, with a fold running beside them, neither deadlock nor lose a count.
"""

from __future__ import annotations

import itertools
import threading
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, text, update

from app.db import counts
from app.db.models import Decision, DecisionDayCount, DecisionLoad, Team
from app.domain import metrics
from app.vocabulary import Framework, Status, Zone

T0 = datetime(2026, 11, 1, tzinfo=UTC)
TEAMS = ("T1", "T2")
CHANNELS = ("C1", "C2")
DECIDERS = (None, "U1", "U2")
OUTCOMES = (None, "worked", "mixed")
RULES = (None, "steward")
FRAMEWORKS = (None, Framework.EXPERTISE, Framework.SITUATIONAL)
ORIGINS = itertools.count()  # thread-safe enough: next() on a count is atomic in CPython

moments = st.integers(min_value=0, max_value=4 * 24 * 4).map(
    lambda q: T0 + timedelta(minutes=15 * q)
)
rows = st.fixed_dictionaries(
    {
        "team_id": st.sampled_from(TEAMS),
        "channel_id": st.sampled_from(CHANNELS),
        "decider_id": st.sampled_from(DECIDERS),
        "status": st.sampled_from(list(Status)),
        "framework": st.sampled_from(FRAMEWORKS),
        "decider_rule": st.sampled_from(RULES),
        "outcome": st.sampled_from(OUTCOMES),
        "created_at": moments,
        "decided_after": st.none() | st.integers(min_value=0, max_value=3 * 24 * 4),
    }
)
changes = st.fixed_dictionaries(
    {},
    optional={
        "channel_id": st.sampled_from(CHANNELS),
        "decider_id": st.sampled_from(DECIDERS),
        "status": st.sampled_from(list(Status)),
        "framework": st.sampled_from(FRAMEWORKS),
        "decider_rule": st.sampled_from(RULES),
        "outcome": st.sampled_from(OUTCOMES),
        "decided_at": st.none() | moments,
    },
)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("insert"), rows),
        st.tuples(st.just("change"), st.integers(0, 30), changes),
        st.tuples(st.just("bulk"), st.integers(0, 30), changes),
        st.tuples(st.just("delete"), st.integers(0, 30)),
        st.tuples(st.just("fold")),
    ),
    min_size=1,
    max_size=25,
)


def _fields(row: dict) -> dict:
    fields = dict(row)
    after = fields.pop("decided_after")
    fields["decided_at"] = (
        None if after is None else row["created_at"] + timedelta(minutes=15 * after)
    )
    return fields


def _apply(session, made: list[int], step) -> None:
    kind = step[0]
    if kind == "fold":
        counts.fold(session.connection())
        return
    if kind == "insert":
        fields = _fields(step[1])
        decision = Decision(
            origin_key=f"k{next(ORIGINS)}",
            title="t",
            created_by="U9",
            zone=Zone.LOCAL,
            **fields,
        )
        session.add(decision)
        session.flush()
        made.append(decision.id)
        return
    if not made:
        return
    decision_id = made[step[1] % len(made)]
    if kind == "delete":
        session.execute(delete(Decision).where(Decision.id == decision_id))
        made.remove(decision_id)
    elif kind == "bulk" and step[2]:
        session.execute(update(Decision).where(Decision.id == decision_id).values(**step[2]))
    elif kind == "change":
        decision = session.get(Decision, decision_id)
        for name, value in step[2].items():
            setattr(decision, name, value)
    session.flush()


def _by_hand(decisions: list[Decision], scope: metrics.Scope):
    """metrics.read_tally's figures counted in Python from every decision, by its definitions."""
    totals = dict.fromkeys(metrics._Tally.__dataclass_fields__, 0)
    per: dict[str | None, list[int]] = {}
    for d in decisions:
        if d.team_id != scope.team_id or (scope.channel_id and d.channel_id != scope.channel_id):
            continue
        opened = d.status != Status.CANCELLED and (
            scope.since is None or d.created_at >= scope.since
        )
        timed = d.decided_at is not None and (scope.since is None or d.decided_at >= scope.since)
        decided = timed and d.status == Status.DECIDED
        figures = {
            "opened": opened,
            "expertise": opened and d.framework == Framework.EXPERTISE and d.decider_rule is None,
            "decided": decided,
            "reviewed": decided and d.outcome is not None,
            "worked": decided and d.outcome == "worked",
            "timed": timed,
            "held": d.status in (Status.OPEN, Status.ESCALATED),
            "tiebroken": opened and d.decider_rule is not None,
        }
        for name, value in figures.items():
            totals[name] += int(value)
        mine = per.setdefault(d.decider_id, [0, 0])
        mine[0] += int(figures["opened"])
        mine[1] += int(figures["held"])
    by_decider = sorted((who, *n) for who, n in per.items() if who is not None and any(n))
    return metrics._Tally(**totals), by_decider


def _reset(engine) -> None:
    with engine.begin() as connection:
        for table in ("decisions", counts.COUNTS, counts.LOADS, counts.CHANGES):
            connection.execute(text(f"DELETE FROM {table}"))  # noqa: S608 (fixed names)
        connection.execute(text("DELETE FROM teams"))
        for team in TEAMS:
            connection.execute(Team.__table__.insert().values(id=team, created_at=T0))


def _totals(session) -> tuple[list, list]:
    """Both tables once every change is folded, rows whose counts are all zero left out (a
    fold leaves them behind)."""
    counts.fold(session.connection())
    days = [r for r in session.execute(select(DecisionDayCount.__table__)).all() if any(r[4:])]
    loads = [r for r in session.execute(select(DecisionLoad.__table__)).all() if r[3]]
    return sorted(days), sorted(loads)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=steps,
    since=st.none() | moments.map(lambda m: m + timedelta(minutes=7)) | moments,
    channel=st.sampled_from((None, *CHANNELS)),
)
def test_the_tally_from_running_totals_equals_counting_every_decision(
    engine, sessions, steps, since, channel
):
    _reset(engine)
    made: list[int] = []
    with sessions.begin() as session:
        for step in steps:
            _apply(session, made, step)
    with sessions.begin() as session:
        everything = list(session.scalars(select(Decision)))
        for folded in (False, True):  # changes still recorded, then all folded into the totals
            if folded:
                counts.fold(session.connection())
            for team in TEAMS:
                scope = metrics.Scope(team, channel, since)
                tally, by_decider = metrics.read_tally(session, scope)
                given = sorted(row for row in by_decider if any(row[1:]))  # zeros: no figure
                assert (tally, given) == _by_hand(everything, scope)
        kept = _totals(session)
    with engine.begin() as connection:
        counts.rebuild(connection)
    with sessions.begin() as session:
        assert _totals(session) == kept


def test_a_rolled_back_write_leaves_no_count(sessions, engine):
    _reset(engine)
    with pytest.raises(RuntimeError), sessions.begin() as session:
        _apply(session, [], ("insert", _row()))
        raise RuntimeError("the request failed after writing")
    with sessions.begin() as session:
        assert _totals(session) == ([], [])


def _row(**fields) -> dict:
    row = {
        "team_id": "T1",
        "channel_id": "C1",
        "decider_id": "U1",
        "status": Status.OPEN,
        "framework": None,
        "decider_rule": None,
        "outcome": None,
        "created_at": T0,
        "decided_after": None,
    }
    return row | fields


def _write_rounds(sessions, n: int, start: threading.Barrier) -> None:
    """Writer n's 15 transactions, each opening two decisions of the same team, channel and
    day for U1 and U2 (in an order that alternates), deciding one, reassigning the other, and
    every third round cancelling one."""
    start.wait()
    for i in range(15):
        with sessions.begin() as session:
            made: list[int] = []
            _apply(session, made, ("insert", _row(decider_id=("U1", "U2")[i % 2])))
            _apply(session, made, ("insert", _row(decider_id=("U2", "U1")[i % 2])))
            change = {"status": Status.DECIDED, "decided_at": T0 + timedelta(hours=n)}
            _apply(session, made, ("change", i, change))
            _apply(session, made, ("bulk", i + 1, {"decider_id": ("U1", "U2")[n % 2]}))
            if i % 3 == 0:
                _apply(session, made, ("change", 0, {"status": Status.CANCELLED}))


def _fold_while(sessions, writers: list[threading.Thread]) -> None:
    """Fold again and again while the writers write, as the sweep would."""
    while any(writer.is_alive() for writer in writers):
        with sessions.begin() as session:
            counts.fold(session.connection())


def _reporting(errors: list[BaseException], work, *args) -> threading.Thread:
    def run() -> None:
        try:
            work(*args)
        except BaseException as error:  # asserted on by the test, in the main thread
            errors.append(error)

    return threading.Thread(target=run)


def test_concurrent_writers_to_the_same_totals_neither_deadlock_nor_lose_counts(
    database_url, engine, sessions
):
    """Eight threads write decisions whose totals share rows, two decisions per transaction in
    opposite orders (updating totals in place deadlocked here), while a fold runs beside them;
    afterwards nothing raised, the counts are right and the totals equal a rebuild."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time: nothing to interleave")
    _reset(engine)
    errors: list[BaseException] = []
    start = threading.Barrier(8)
    writers = [_reporting(errors, _write_rounds, sessions, n, start) for n in range(8)]
    threads = [*writers, _reporting(errors, _fold_while, sessions, writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    with sessions.begin() as session:
        tally, _ = metrics.read_tally(session, metrics.Scope("T1"))
        kept = _totals(session)
    assert tally.opened == 8 * 15 * 2 - 8 * 5  # rounds 0, 3, 6, 9 and 12 cancel one each
    assert tally.timed == 8 * 15
    with engine.begin() as connection:
        counts.rebuild(connection)
    with sessions.begin() as session:
        assert _totals(session) == kept
