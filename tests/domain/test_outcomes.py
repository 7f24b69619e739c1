"""app.domain.outcomes: asking deciders how it turned out, and recording their answer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.db.models import DecisionEvent
from app.domain import outcomes
from app.domain.errors import InvalidInput, NotAllowed, NotFound
from tests.domain.factories import (
    ALICE,
    BOB,
    CAROL,
    T1,
    T2,
    decide,
    mark_posted,
    open_decision,
)

DAYS = 14


def record(session, decision, now, *, actor=BOB, outcome="worked", note=None, key="o-1"):
    return outcomes.record_outcome(
        session,
        team_id=decision.team_id,
        decision_id=decision.id,
        actor_id=actor,
        outcome=outcome,
        note=note,
        now=now,
        idempotency_key=key,
    )


def test_due_reviews_are_decided_long_enough_ago_with_a_decider_and_no_answer(sessions, clock):
    start = clock.now()
    with sessions.begin() as session:
        old = decide(session, open_decision(session, start, title="old"), start)
        day_before = start - timedelta(days=1)
        older = decide(session, open_decision(session, day_before, team=T2), day_before)
        young = decide(session, open_decision(session, start), start + timedelta(days=2))
        answered = decide(session, open_decision(session, start), start)
        record(session, answered, start)
        asked = decide(session, open_decision(session, start), start)
        mark_posted(session, T1, outcomes.KIND, str(asked.id), start)
        open_decision(session, start - timedelta(days=30))  # never decided
    with sessions() as session:
        assert outcomes.due_reviews(
            session, start + timedelta(days=DAYS) - timedelta(seconds=1), DAYS
        ) == [(T2, older.id)]
        due = outcomes.due_reviews(session, start + timedelta(days=DAYS), DAYS)
    assert due == [(T2, older.id), (T1, old.id)]
    assert (T1, young.id) not in due


def test_the_decider_or_the_opener_records_and_may_revise(sessions, clock):
    with sessions.begin() as session:
        decision = decide(session, open_decision(session, clock.now(), actor=ALICE), clock.now())
        recorded, changed = record(session, decision, clock.now(), outcome="too_early")
        assert changed and recorded.outcome == "too_early"
        revised, changed = record(
            session,
            decision,
            clock.now(),
            actor=ALICE,
            outcome="worked",
            note=" \x00 Fine ",
            key="o-2",
        )
        assert changed and (revised.outcome, revised.outcome_note) == ("worked", "Fine")
        details = session.scalars(
            select(DecisionEvent.detail)
            .where(DecisionEvent.kind == "outcome_recorded")
            .order_by(DecisionEvent.id)
        )
        assert [d["outcome"] for d in details] == ["too_early", "worked"]


def test_a_redelivered_answer_changes_nothing(sessions, clock):
    with sessions.begin() as session:
        decision = decide(session, open_decision(session, clock.now()), clock.now())
        record(session, decision, clock.now(), outcome="mixed")
        again, changed = record(session, decision, clock.now(), outcome="worked")  # same key
        assert not changed and again.outcome == "mixed"


def test_someone_else_may_not_answer(sessions, clock):
    with sessions.begin() as session:
        decision = decide(session, open_decision(session, clock.now()), clock.now())
        with pytest.raises(NotAllowed):
            record(session, decision, clock.now(), actor=CAROL)
        assert decision.outcome is None


def test_only_a_decided_decision_has_an_outcome(sessions, clock):
    with sessions.begin() as session:
        decision = open_decision(session, clock.now())
        with pytest.raises(NotAllowed):
            record(session, decision, clock.now())


@pytest.mark.parametrize(
    ("outcome", "note", "field"),
    [("great", None, "outcome"), ("worked", "x" * (outcomes.NOTE_MAX + 1), "note")],
)
def test_bad_answers_name_their_field(sessions, clock, outcome, note, field):
    with sessions.begin() as session:
        decision = decide(session, open_decision(session, clock.now()), clock.now())
        with pytest.raises(InvalidInput) as refused:
            record(session, decision, clock.now(), outcome=outcome, note=note)
        assert set(refused.value.errors) == {field}


def test_another_teams_decision_is_not_found(sessions, clock):
    with sessions.begin() as session:
        decision = decide(session, open_decision(session, clock.now(), team=T2), clock.now())
        with pytest.raises(NotFound):
            outcomes.record_outcome(
                session,
                team_id=T1,
                decision_id=decision.id,
                actor_id=BOB,
                outcome="worked",
                note=None,
                now=clock.now(),
                idempotency_key="x",
            )
