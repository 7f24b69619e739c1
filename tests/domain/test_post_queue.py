"""The post queue in the ledger: enqueue once, take once, back off, take over a dead claim."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from app.domain import ledger, post_queue
from app.domain.post_queue import LEASE, Queued
from app.domain.teams import get_or_create_team

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
KINDS = ("checkin", "retro")


def queued(team: str, channel: str, kind: str = "checkin") -> Queued:
    return Queued(team, kind, channel, NOW.isoformat(), channel)


@pytest.fixture
def teams(sessions):
    with sessions.begin() as session:
        for team in ("T0001", "T0002"):
            get_or_create_team(session, team, NOW)
    return sessions


def take(sessions, now=NOW, kinds=KINDS):
    with sessions.begin() as session:
        return post_queue.take(session, kinds, now)


def test_a_post_is_enqueued_once_however_often_it_falls_due(teams):
    with teams.begin() as session:
        assert post_queue.enqueue(session, [queued("T0001", "C1"), queued("T0002", "C1")], NOW) == 2
    with teams.begin() as session:
        again = [queued("T0001", "C1"), queued("T0001", "C2")]
        assert post_queue.enqueue(session, again, NOW + timedelta(seconds=30)) == 1
        assert post_queue.waiting(session, KINDS) == 3


def test_each_post_is_taken_by_one_taker_and_then_no_more(teams):
    with teams.begin() as session:
        post_queue.enqueue(session, [queued("T0001", f"C{n}") for n in range(3)], NOW)
    taken = [take(teams) for _ in range(4)]
    assert taken[3] is None
    assert sorted(t.subject for t in taken[:3]) == ["C0", "C1", "C2"]
    assert all(t.attempts == 1 and t.claimed_at == NOW for t in taken[:3])


def test_only_the_kinds_asked_for_are_taken(teams):
    with teams.begin() as session:
        post_queue.enqueue(session, [queued("T0001", "C1", kind="retro")], NOW)
    assert take(teams, kinds=("checkin",)) is None
    assert take(teams, kinds=("retro",)).kind == "retro"


def test_a_released_post_waits_out_its_backoff(teams):
    with teams.begin() as session:
        post_queue.enqueue(session, [queued("T0001", "C1")], NOW)
    first = take(teams)
    with teams.begin() as session:
        again = post_queue.release(session, first.post_id, NOW, first.attempts)
    assert again == NOW + post_queue.BACKOFF[0]
    assert take(teams, NOW + post_queue.BACKOFF[0] - timedelta(seconds=1)) is None
    second = take(teams, again)
    assert (second.post_id, second.attempts) == (first.post_id, 2)


def test_a_claim_is_taken_over_only_once_its_lease_has_run_out(teams):
    with teams.begin() as session:
        post_queue.enqueue(session, [queued("T0001", "C1")], NOW)
    first = take(teams)
    assert take(teams, NOW + LEASE - timedelta(seconds=1)) is None, "its holder may be posting"
    over = take(teams, NOW + LEASE + timedelta(seconds=1))
    assert over.post_id == first.post_id and over.attempts == 2
    with teams.begin() as session:
        # The first holder wakes up: its renewal fails, so it does not post.
        assert not ledger.renew(session, first.post_id, claimed_at=first.claimed_at, now=NOW)


def test_a_dead_workers_claim_is_taken_before_the_posts_still_waiting(teams):
    """A killed worker's post has waited longest: it must not queue behind thousands of
    posts due at the same minute (the kill test on two processes waited 50 s for it)."""
    with teams.begin() as session:
        post_queue.enqueue(session, [queued("T0001", "C0")], NOW)
    orphan = take(teams)
    with teams.begin() as session:
        many = [queued("T0001", f"C{n}") for n in range(1, 50)]
        # Queued even earlier than the orphan: by due time alone they would all come first.
        post_queue.enqueue(session, many, NOW - timedelta(minutes=1))
    later = NOW + LEASE + timedelta(seconds=1)
    assert take(teams, later).post_id == orphan.post_id


def test_sent_and_skipped_posts_leave_the_queue(teams):
    with teams.begin() as session:
        post_queue.enqueue(session, [queued("T0001", "C1"), queued("T0001", "C2")], NOW)
    one, two = take(teams), take(teams)
    with teams.begin() as session:
        ledger.finish(session, one.post_id, now=NOW, ts="1.0", channel_id="C1")
        ledger.finish(session, two.post_id, now=NOW, status=ledger.SKIPPED)
        assert post_queue.waiting(session, KINDS) == 0
    assert take(teams, NOW + timedelta(hours=1)) is None


def test_concurrent_takers_skip_each_others_locked_rows(teams, engine):
    """Two transactions open at once take two different posts, and neither waits for the
    other (PostgreSQL's FOR UPDATE SKIP LOCKED; SQLite has one writer, so it is skipped)."""
    if engine.dialect.name != "postgresql":
        pytest.skip("row locks are PostgreSQL's")
    with teams.begin() as session:
        post_queue.enqueue(session, [queued("T0001", "C1"), queued("T0001", "C2")], NOW)
    first, second = teams(), teams()
    try:
        first.execute(text("SET lock_timeout = '2s'"))
        second.execute(text("SET lock_timeout = '2s'"))
        a = post_queue.take(first, KINDS, NOW)
        b = post_queue.take(second, KINDS, NOW)  # would block on a's row without SKIP LOCKED
        assert a is not None and b is not None and a.post_id != b.post_id
        first.commit()
        second.commit()
    finally:
        first.close()
        second.close()
