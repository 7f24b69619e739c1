"""The narrow copy of the title keys (migration 0016, PostgreSQL) follows every write of a
decision: the similar-decision check reads only the copy, so a copy that lags would show a
cancelled decision, miss an edited title, or keep one decided long ago."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import delete, select, text

from app.db import dialect
from app.db.models import Decision
from app.domain import lifecycle, similar
from app.domain.decisions import Declaration
from app.domain.lifecycle import Edit
from app.vocabulary import Status
from tests.domain.factories import ALICE, T1, decide, open_decision


@pytest.fixture
def session(sessions):
    with sessions.begin() as session:
        if session.get_bind().dialect.name != "postgresql":
            pytest.skip("the copy is PostgreSQL's (SQLite compares the decisions table itself)")
        yield session


def copy_of(session, decision):
    session.flush()
    keys = dialect.SIMILAR_KEYS_TABLE.c
    row = session.execute(
        select(keys.team_id, keys.title_key, keys.trigrams, keys.status, keys.decided_at).where(
            keys.decision_id == decision.id
        )
    ).one_or_none()
    return row and tuple(row)


def pg_trigrams(session, key):
    return session.scalar(text("SELECT array_length(show_trgm(:key), 1)"), {"key": key})


def found(session, title, now):
    return {d.id for d in similar.find_similar(session, T1, title, now)}


def test_a_new_decision_is_copied_with_its_key_and_trigram_count(session, clock):
    decision = open_decision(session, clock.now(), title="Pick the billing database")
    count = pg_trigrams(session, "billing database")
    assert copy_of(session, decision) == (T1, "billing database", count, "open", None)
    assert found(session, "Which database should billing use?", clock.now()) == {decision.id}


def test_an_edited_title_is_found_by_its_new_words_only(session, clock):
    decision = open_decision(session, clock.now(), title="Pick the billing database")
    changes = dataclasses.replace(Edit.of(decision), title="Choose the hiring process")
    lifecycle.edit(
        session,
        team_id=T1,
        decision_id=decision.id,
        actor_id=ALICE,
        changes=changes,
        now=clock.now(),
        idempotency_key="e1",
    )
    assert copy_of(session, decision)[1] == "hiring process"
    assert found(session, "Pick the billing database", clock.now()) == set()
    assert found(session, "Which hiring process?", clock.now()) == {decision.id}


def test_recording_the_outcome_copies_status_and_date(session, clock):
    # record_resolution is a bulk UPDATE (compare-and-set): no ORM event sees it, the trigger does
    decision = decide(session, open_decision(session, clock.now()), clock.now())
    assert copy_of(session, decision)[3:] == ("decided", clock.now())


def test_a_cancelled_decision_leaves_the_candidates(session, clock):
    decision = open_decision(session, clock.now())
    lifecycle.cancel(
        session,
        team_id=T1,
        decision_id=decision.id,
        actor_id=ALICE,
        reason="Duplicate",
        now=clock.now(),
        idempotency_key="c1",
    )
    assert copy_of(session, decision)[3] == "cancelled"
    assert found(session, "Pick the billing database", clock.now()) == set()


def test_a_superseded_decision_gives_way_to_its_successor(session, clock):
    old = decide(session, open_decision(session, clock.now()), clock.now())
    new, _, _ = lifecycle.supersede(
        session,
        team_id=T1,
        decision_id=old.id,
        declaration=Declaration(title="Pick the billing database again", channel_id="C1"),
        actor_id=ALICE,
        origin_key="s1",
        now=clock.now(),
    )
    assert copy_of(session, old)[3] == "superseded"
    assert found(session, "Pick the billing database", clock.now()) == {new.id}


def test_decided_over_a_year_ago_is_no_longer_a_candidate(session, clock):
    decision = decide(session, open_decision(session, clock.now()), clock.now())
    assert found(session, "billing database", clock.now() + timedelta(days=364)) == {decision.id}
    assert found(session, "billing database", clock.now() + timedelta(days=366)) == set()


def test_a_deleted_decision_takes_its_copy_with_it(session, clock):
    decision = open_decision(session, clock.now())
    decision_id = decision.id
    session.flush()
    session.expunge(decision)
    session.execute(delete(Decision).where(Decision.id == decision_id))
    keys = dialect.SIMILAR_KEYS_TABLE.c
    assert session.scalar(select(keys.decision_id).where(keys.decision_id == decision_id)) is None


def test_the_trigram_count_bounds_lose_no_match():
    # similarity <= min/max of the counts: at 0.35 a 4-trigram key can only meet 2..11
    low, high = dialect.trigram_count_bounds(4, 0.35)
    assert low <= 1 and high >= 12
    for count in range(1, 60):
        low, high = dialect.trigram_count_bounds(count, 0.35)
        for other in range(1, 200):
            if min(count, other) / max(count, other) >= 0.35:
                assert low <= other <= high


def test_status_of_the_copy_matches_every_vocabulary_word(session, clock):
    decision = open_decision(session, clock.now())
    decision.status = Status.ESCALATED
    assert copy_of(session, decision)[3] == Status.ESCALATED.value
