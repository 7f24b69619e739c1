"""Side reads (app.db.side_reads): the figures read side by side on PostgreSQL are the figures
read in turn; a request whose own pool is exhausted still gets them; a side read's error reaches
the caller; shut down, they read in turn again. The seeded team is test_insight's hand-worked
one, with a formal lead, an escalation and a second channel added."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import InternalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from app.blocks.home import build_home_tab
from app.db.engine import make_session_factory
from app.db.models import CharterFormalLead
from app.db.side_reads import SideReads, beside, side_reads_for
from app.domain import escalation, home, metrics
from app.domain.figures import figures
from tests.domain import factories
from tests.domain import test_insight as hand_worked
from tests.domain.factories import ALICE, BOB, CAROL, DAN, T1

T0 = hand_worked.T0
SCOPES = [
    hand_worked.SCOPE,  # the team, since the day before T0
    metrics.Scope(T1),  # the team, all time
    metrics.Scope(T1, "C1", since=T0 + timedelta(hours=5)),
    metrics.Scope(T1, "C2"),
]
NOW = T0 + timedelta(days=25)
WAIT = 20  # seconds: far beyond what these reads take, well below a hung test run


@pytest.fixture
def postgres(database_url: str) -> str:
    if not database_url.startswith("postgresql"):
        pytest.skip("side reads run on PostgreSQL only (side_reads_for gives SQLite none)")
    return database_url


@pytest.fixture
def side(postgres: str) -> Iterator[SideReads]:
    reads = SideReads(postgres, threads=2)
    yield reads
    reads.close()


@pytest.fixture
def seeded(postgres: str, sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    with sessions.begin() as session:
        d = hand_worked.seed(session)
        session.add(CharterFormalLead(team_id=T1, user_id=DAN))
        escalation.escalate(
            session, team_id=T1, decision_id=d[10].id, actor_id=BOB, reason="Too risky",
            now=T0 + timedelta(days=3), idempotency_key="esc-1", seen_from="C1",
        )  # fmt: skip
        factories.open_decision(
            session, T0 + timedelta(days=4), actor=CAROL, decider=ALICE, channel="C2", title="C2"
        )
    return sessions


def statements_on(engine: Engine) -> list[str]:
    """The names of the threads that run statements on `engine`, from now on."""
    threads: list[str] = []
    event.listen(
        engine,
        "before_cursor_execute",
        lambda *_: threads.append(threading.current_thread().name),
    )
    return threads


def test_figures_side_by_side_are_the_figures_read_in_turn(seeded, side):
    on_side = statements_on(side.engine)
    for scope in SCOPES:  # one seeding for all four: it is most of the test's time
        with seeded() as session:
            in_turn = figures(session, scope)
        with seeded() as session:
            beside_it = figures(session, scope, side)
        assert beside_it == in_turn, scope
        assert beside_it.insight_for(BOB) == in_turn.insight_for(BOB), scope  # own forecasts
    assert on_side and all(name.startswith("side-read") for name in on_side)


def test_the_hand_worked_figures_survive_side_reads(seeded, side):
    """Not only equal to the sequential path: still the numbers worked out by hand (hidden
    experts need the dashboard's decisions per decider, finished after the side reads)."""
    with seeded() as session:
        found = figures(session, hand_worked.SCOPE, side)
    # test_insight's figures: asked 6 times in C1; ERIN nominated 5 times, decides D9 only.
    assert found.team.participation.asks == 6
    assert found.team.participation.hidden == [(hand_worked.ERIN, 5, 1)]
    # 14 decisions opened in the period (13, and one in C2); D10 escalated; DAN decides D4.
    assert found.board.opened == 14
    assert found.board.escalation_rate == 1 / 14
    assert found.board.formal_lead_share == 1 / 14


def test_home_side_by_side_draws_the_same_tab(seeded, side):
    def tab(reads: SideReads | None) -> dict:
        with seeded() as session:
            return build_home_tab(home.home_for(session, T1, BOB, NOW, 14, side=reads)).to_dict()

    assert tab(side) == tab(None)


def test_figures_complete_while_every_request_connection_is_taken(postgres, seeded, side):
    """Request threads each hold a connection while they wait for side reads: were the side
    reads to need a request connection too, none would ever finish. The request pool here has
    two connections: another thread holds one, the caller's session the other."""
    requests = create_engine(postgres, pool_size=2, max_overflow=0, pool_timeout=0.5)
    release, held = threading.Event(), threading.Event()

    def hold_one() -> None:
        with requests.connect() as connection:
            connection.execute(text("SELECT 1"))
            held.set()
            release.wait(WAIT)

    holder = threading.Thread(target=hold_one)
    holder.start()
    found: list = []
    try:
        assert held.wait(WAIT)
        with make_session_factory(requests)() as session:
            session.execute(text("SELECT 1"))  # the caller's connection: the pool's last
            with pytest.raises(PoolTimeout):
                requests.connect()  # nothing left for anyone else
            worker = threading.Thread(
                target=lambda: found.append(figures(session, hand_worked.SCOPE, side))
            )
            worker.start()
            worker.join(WAIT)
            assert not worker.is_alive(), "figures with side reads waited on the request pool"
    finally:
        release.set()
        holder.join(WAIT)
        requests.dispose()
    with seeded() as session:
        assert found == [figures(session, hand_worked.SCOPE)]


def test_an_error_in_a_side_read_reaches_the_caller(seeded, side):
    started = threading.Event()

    def broken(session: Session) -> None:
        started.set()
        raise LookupError(threading.current_thread().name)

    with seeded() as session:
        result = beside(side, session, broken)
        assert started.wait(WAIT)  # on a side thread, not taken back by the caller
        with pytest.raises(LookupError, match="side-read"):
            result()


def test_an_error_in_one_of_the_figures_reads_reaches_the_caller(seeded, side, monkeypatch):
    def refused(session: Session, scope: metrics.Scope) -> None:
        raise LookupError("velocity refused")

    monkeypatch.setattr(metrics, "velocity", refused)  # the first read started on a side thread
    with seeded() as session, pytest.raises(LookupError, match="velocity refused"):
        figures(session, hand_worked.SCOPE, side)


def test_a_side_read_cannot_write(seeded, side):
    def write(session: Session) -> None:
        session.execute(text("UPDATE decisions SET title = 'changed'"))

    with seeded() as session, pytest.raises(InternalError, match="read-only"):
        beside(side, session, write)()
    with seeded() as session:
        assert "changed" not in session.scalars(text("SELECT title FROM decisions")).all()


def test_a_queued_side_read_is_read_by_the_caller(seeded, side):
    """Both side threads busy (with other requests' reads): the caller does not wait behind
    them, it reads what it asked for in its own session."""
    release = threading.Event()
    with seeded() as session:
        busy = [beside(side, session, lambda _: release.wait(WAIT)) for _ in range(2)]
    try:
        with seeded() as session:
            result = beside(side, session, lambda s: threading.current_thread().name)
            assert result() == threading.current_thread().name
    finally:
        release.set()
        assert all(done() for done in busy)


def test_shut_down_side_reads_read_in_turn(seeded, side):
    side.close()
    on_side = statements_on(side.engine)
    with seeded() as session:
        assert figures(session, hand_worked.SCOPE, side) == figures(session, hand_worked.SCOPE)
    assert on_side == []


def test_side_reads_connect_only_when_read_and_never_on_sqlite():
    nowhere = SideReads("postgresql+psycopg://nobody@127.0.0.1:9/none", threads=1)
    nowhere.close()  # built and closed without a connection: nothing answers on port 9
    assert side_reads_for("sqlite:///deference.db") is None
    with pytest.raises(ValueError, match="PostgreSQL"):
        SideReads("sqlite:///deference.db")
