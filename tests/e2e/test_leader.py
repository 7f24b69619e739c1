"""Two `serve` processes on one PostgreSQL: one scheduler, and a clean handover when it dies."""

from __future__ import annotations

from app.db.engine import make_engine, make_session_factory
from app.jobs.leader import LOCK_KEY
from tests.e2e.conftest import GENERAL
from tests.e2e.scale_out import (
    advisory_holders,
    due_checkin,
    leader_pids,
    needs_postgres,
    pg_url,  # noqa: F401 - fixture
    serve,
    wait_until,
)

pytestmark = needs_postgres
OTHER = "C0OTHER"


def checkins(standin, channel: str) -> list:
    """The check-ins Slack accepted in `channel` (a refused attempt, retried, posts nothing)."""
    return [
        c
        for c in standin.calls("chat.postMessage")
        if c.ok
        and c.params.get("channel") == channel
        and "who has authority" in str(c.params.get("text"))
    ]


def test_one_scheduler_and_the_next_checkin_posts_once_after_the_leader_dies(
    standin,
    pg_url,  # noqa: F811
    tmp_path,
):
    standin.add_channel(OTHER, "other")
    first = serve(standin, pg_url, tmp_path, "first")
    second = serve(standin, pg_url, tmp_path, "second")
    try:
        both = (first, second)
        wait_until(lambda: sum(len(leader_pids(s)) for s in both) == 1, 15, "a leader")
        assert advisory_holders(pg_url, LOCK_KEY) == 1
        leader, survivor = both if leader_pids(first) else (second, first)

        engine = make_engine(pg_url)
        sessions = make_session_factory(engine)
        # Due just as the leader dies: it or its successor posts it, exactly once.
        due_checkin(sessions, "T0001", GENERAL)
        leader.kill()
        wait_until(lambda: leader_pids(survivor), 30, "the survivor to take the scheduler over")
        assert advisory_holders(pg_url, LOCK_KEY) == 1

        due_checkin(sessions, "T0001", OTHER)  # due after the handover: the new leader's sweep
        wait_until(lambda: checkins(standin, OTHER), 15, "the next check-in")
        wait_until(lambda: checkins(standin, GENERAL), 15, "the check-in due at the handover")
        # A later sweep must not post either again: wait for two more sweeps' worth of work.
        standin.add_channel("C0THIRD", "third")
        due_checkin(sessions, "T0001", "C0THIRD")
        wait_until(lambda: checkins(standin, "C0THIRD"), 15, "a check-in from a later sweep")
        assert len(checkins(standin, GENERAL)) == 1
        assert len(checkins(standin, OTHER)) == 1
        engine.dispose()
    finally:
        first.stop()
        second.stop()
