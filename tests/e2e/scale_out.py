"""Helpers for the PostgreSQL scale-out tests: real `deference-bot serve` processes."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from app.db.engine import make_engine
from app.db.models import Base
from tests.conftest import postgres_url
from tests.e2e.processes import Served, cli_env
from tests.e2e.processes import serve as start_serve

needs_postgres = pytest.mark.skipif(
    postgres_url() is None, reason="needs PostgreSQL: set TEST_DATABASE_URL"
)
LEADER = re.compile(r"this process \(pid (\d+)\) now runs the scheduler")


@pytest.fixture
def pg_url(request: pytest.FixtureRequest) -> str:
    """The test PostgreSQL database, emptied, job table included."""
    url = request.getfixturevalue("_postgres_ready")
    engine = make_engine(url)
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    if "apscheduler_jobs" in inspect(engine).get_table_names():
        tables.append("apscheduler_jobs")
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return url


def leader_pids(served: Served) -> list[int]:
    """Processes that logged taking the scheduler over."""
    return [int(pid) for pid in LEADER.findall(served.text())]


def serve(standin, url: str, folder: Path, name: str, workers: int = 2, **env) -> Served:
    environment = cli_env(standin, url)
    environment.update(SCHEDULER_RETRY_SECONDS="0.5", SCHEDULER_SWEEP_SECONDS="1", **env)
    return start_serve(environment, folder / f"{name}.log", "--workers", str(workers))


def wait_until(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.1)  # polling other processes and the database
    pytest.fail(f"timed out after {timeout}s waiting for {what}")


def advisory_holders(url: str, key: int) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                    " AND classid = 0 AND objid = :key"
                ),
                {"key": key},
            ).scalar_one()
    finally:
        engine.dispose()


def due_checkin(sessions, team_id: str, channel_id: str) -> None:
    """A daily check-in whose latest slot passed a minute ago (so it is due now)."""
    from app.domain import channel_schedules
    from app.domain.channel_schedules import CHECKIN
    from app.domain.schedules import Recurrence

    slot = datetime.now(UTC) - timedelta(minutes=1)
    rec = Recurrence(slot.hour, slot.minute, tuple(range(7)), "UTC")
    with sessions.begin() as session:
        channel_schedules.put(
            session,
            team_id=team_id,
            channel_id=channel_id,
            kind=CHECKIN,
            rec=rec,
            actor_id="U0ALICE",
            now=slot - timedelta(hours=1),
        )
