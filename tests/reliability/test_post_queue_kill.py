"""Two serving processes share the post queue; SIGKILL one mid-burst of check-ins.

The elected scheduler only enqueues; both processes' post workers take posts with FOR UPDATE
SKIP LOCKED. Killing one while it holds claims must lose nothing and double nothing: its
claimed posts are taken over once their lease runs out (after reading the channel back, since
a post may have reached Slack before the kill), within the promised 30 seconds.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.blocks.schedules import QUESTION
from app.db.engine import make_engine, make_session_factory
from app.db.migrate import upgrade
from app.db.models import ScheduledPost
from app.domain import channel_schedules
from app.domain.schedules import Recurrence
from tests.e2e.processes import cli_env, serve
from tests.reliability.figures import Figure

CHANNELS = [f"C0Q{n:03d}" for n in range(150)]
TAKEN_OVER_WITHIN = 30.0  # seconds after the kill: the promise


def schedule_checkins_due_now(database_url: str) -> None:
    """A daily check-in in every channel at the current UTC minute, set an hour ago."""
    now = datetime.now(UTC)
    rec = Recurrence(now.hour, now.minute, tuple(range(7)), "UTC")
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        with make_session_factory(engine).begin() as session:
            for channel in CHANNELS:
                channel_schedules.put(
                    session,
                    team_id="T0001",
                    channel_id=channel,
                    kind="checkin",
                    rec=rec,
                    actor_id="U0ALICE",
                    now=now - timedelta(hours=1),
                )
    finally:
        engine.dispose()


def ledger_rows(database_url: str) -> list[ScheduledPost]:
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as session:
            kind = ScheduledPost.kind == "checkin"
            return list(session.scalars(select(ScheduledPost).where(kind)))
    finally:
        engine.dispose()


def posted(standin) -> Counter[str]:
    calls = standin.calls("chat.postMessage")
    return Counter(
        str(c.params.get("channel"))
        for c in calls
        if c.ok and str(c.params.get("text", "")).startswith(QUESTION)
    )


@pytest.mark.slow
def test_sigkill_of_one_post_worker_loses_and_doubles_no_check_in(standin, database_url, tmp_path):
    if not database_url.startswith("postgresql"):
        pytest.skip("post workers share the queue across processes on PostgreSQL only")
    figure = Figure(
        f"Check-ins due at once in {len(CHANNELS)} channels, two processes, SIGKILL one"
    )
    for channel in CHANNELS:
        standin.add_channel(channel, channel.lower())
    schedule_checkins_due_now(database_url)
    env = cli_env(standin, database_url) | {"SLACK_POSTS_PER_SECOND": "10"}  # a long burst
    first = serve(env, tmp_path / "first.log")
    second = serve(env, tmp_path / "second.log")
    try:
        standin.wait_until(lambda: sum(posted(standin).values()) >= 30, timeout=60)
        first.kill()
        killed_at = time.monotonic()
        standin.wait_until(
            lambda: set(posted(standin)) >= set(CHANNELS),
            timeout=TAKEN_OVER_WITHIN + 30,
            what="a check-in in every channel",
        )
        all_posted_in = time.monotonic() - killed_at
        time.sleep(2)  # anything doubled would be posted by now: the queue is empty
    finally:
        second.stop()
        first.stop()
    counts = posted(standin)
    rows = ledger_rows(database_url)
    taken_over = [r for r in rows if r.attempts > 1]
    figure.tried = len(CHANNELS)
    figure.count("check-ins posted", sum(counts.values()))
    figure.count("channels without a check-in", len(set(CHANNELS) - set(counts)))
    figure.count("channels with two", sum(1 for n in counts.values() if n > 1))
    figure.count("claims of the killed process taken over", len(taken_over))
    figure.count("seconds from the kill until every check-in was up", round(all_posted_in))
    figure.write()
    assert set(counts) == set(CHANNELS), "nothing lost"
    assert all(n == 1 for n in counts.values()), "nothing doubled"
    assert len(rows) == len(CHANNELS) and all(r.status == "sent" for r in rows)
    assert taken_over, "the kill caught the first process holding claims"
    assert all_posted_in <= TAKEN_OVER_WITHIN
