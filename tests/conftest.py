"""Shared fixtures: a migrated database per test, on SQLite or on TEST_DATABASE_URL."""

from __future__ import annotations

import functools
import os
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import Engine, event, make_url, text
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.db.engine import make_engine, make_session_factory
from app.db.migrate import upgrade
from app.db.models import Base
from app.domain.clock import ManualClock

PROXY_VARIABLES = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "no_proxy",
)
SLACK_VARIABLES = (
    "SLACK_BOT_TOKEN",
    "SLACK_APP_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
    "DATABASE_URL",
    "SLACK_API_URL",
    "LOG_LEVEL",
    "PORT",
    "OUTCOME_REVIEW_DAYS",
)


# Generated examples per property: a modest number while you work, many more in CI (where
# Hypothesis would otherwise pick its own "ci" profile) or with HYPOTHESIS_PROFILE=thorough.
settings.register_profile("fast", max_examples=20)
settings.register_profile("thorough", max_examples=200)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("thorough" if os.environ.get("CI") else "fast")
)


@event.listens_for(Engine, "connect")
def _sqlite_without_fsync(dbapi_connection, _record) -> None:
    """Tests never survive a power cut, so SQLite need not fsync each commit (a committed row
    still reaches the OS before the call returns, so a killed process loses nothing)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA synchronous=OFF")


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """slack_sdk obeys proxy variables even for loopback; a developer's .env must not leak in."""
    for name in PROXY_VARIABLES + SLACK_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


TESTS = Path(__file__).resolve().parent
# Whole directories that start the real bot over HTTP, a subprocess, or wait on real time.
SLOW_DIRECTORIES = (TESTS / "e2e", TESTS / "reliability", TESTS / "console")
# Stragglers elsewhere, by node id: a real WebSocket client's connect and close (slack_sdk's
# client waits out its 3 s receive timeout when it closes), slack_sdk's rate-limit handler, which
# sleeps Retry-After plus a random jitter of up to 1 s, and the machine's DNS resolver asked for a
# name that does not exist (1.5 s here; offline, the resolver's whole timeout).
SLOW_TESTS = (
    "standin/test_socket_mode.py::test_slash_command_over_socket_mode",
    "standin/test_socket_mode.py::test_several_connections_pings_and_a_refresh",
    "standin/test_socket_mode.py::test_a_warning_keeps_the_connection_open",
    "standin/test_faults.py::test_rate_limit_handler_recovers",
    "test_preflight.py::test_a_slack_api_host_that_does_not_resolve",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """`-m "not slow"` is the fast loop: it leaves out every test that serves the bot for real."""
    for item in items:
        in_slow_directory = any(item.path.is_relative_to(d) for d in SLOW_DIRECTORIES)
        if in_slow_directory or item.nodeid.removeprefix("tests/").startswith(SLOW_TESTS):
            item.add_marker(pytest.mark.slow)


@functools.cache
def postgres_url() -> str | None:
    """TEST_DATABASE_URL; under pytest-xdist (the fast loop's `-n 2`) each worker gets a
    database of its own beside it, since the tests empty the database they use."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return None
    url = Settings(database_url=url).database_url
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return _worker_database(url, worker) if worker else url


def _worker_database(url: str, worker: str) -> str:
    base = make_url(url)
    name = f"{base.database}_{worker}"
    engine = make_engine(url)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            exists = text("SELECT 1 FROM pg_database WHERE datname = :name")
            if connection.execute(exists, {"name": name}).first() is None:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def _postgres_ready() -> str | None:
    url = postgres_url()
    if url is None:
        return None
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    engine.dispose()
    return url


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test that touches the database runs on SQLite, and on PostgreSQL as well when
    TEST_DATABASE_URL is set."""
    if "database_url" in metafunc.fixturenames:
        backends = ["sqlite"] + (["postgresql"] if postgres_url() else [])
        metafunc.parametrize("database_url", backends, indirect=True)


@pytest.fixture
def database_url(request: pytest.FixtureRequest, _sqlite_template: Path, tmp_path: Path) -> str:
    """A migrated, empty database: a copied SQLite file, or the PostgreSQL one truncated."""
    if request.param == "postgresql":
        _postgres_ready = request.getfixturevalue("_postgres_ready")
        engine = make_engine(_postgres_ready)
        tables = ", ".join(t.name for t in reversed(Base.metadata.sorted_tables))
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()
        return _postgres_ready
    path = tmp_path / "deference.db"
    shutil.copy(_sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def _engines() -> Iterator[dict[str, Engine]]:
    """One engine per backend for the whole run. SQLAlchemy caches compiled SQL per engine (the
    dialect is part of the cache key), so an engine per test compiled every query again (about
    a second of the fast loop)."""
    engines: dict[str, Engine] = {}
    yield engines
    for engine in engines.values():
        engine.dispose()


@pytest.fixture
def engine(database_url: str, _engines: dict[str, Engine]) -> Iterator[Engine]:
    """The backend's engine as the app makes it, connecting to this test's database only."""
    backend = database_url.partition(":")[0]
    if backend not in _engines:
        _engines[backend] = make_engine(database_url)
        if backend == "sqlite":
            event.listen(_engines[backend], "do_connect", _this_tests_file)
    engine = _engines[backend]
    if backend == "sqlite":
        # make_url(...).database is the file path, as pysqlite's connect() takes it
        _current_sqlite_file[0] = make_url(database_url).database or ""
    elif engine.url != make_url(database_url):
        raise AssertionError("one PostgreSQL database per run: TEST_DATABASE_URL")
    yield engine
    engine.dispose()  # the test's connections closed; the next test opens its own


# The SQLite file of the running test (tests run one at a time in a process).
_current_sqlite_file = [""]


def _this_tests_file(_dialect, _record, cargs: list, _cparams: dict) -> None:
    """Point each new connection of the shared SQLite engine at the running test's file."""
    cargs[0] = _current_sqlite_file[0]


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
