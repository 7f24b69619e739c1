"""A resolution always has a decider: on a decision with none, recording it names who decided
(the person recording by default), so a decided card never says "no decider yet" and the
outcome review has someone to ask."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.blocks.cards import build_decision_card, card_text
from app.db.models import DecisionEvent
from app.domain import decisions, outcomes
from tests.domain.factories import ALICE, BOB, CAROL, T1, open_decision


def resolve(session, decision, now, actor, decider=None, key="r1"):
    return decisions.record_resolution(
        session,
        team_id=T1,
        decision_id=decision.id,
        actor_id=actor,
        resolution="Postgres",
        rationale=None,
        now=now,
        idempotency_key=key,
        decider_id=decider,
    )


def test_recording_with_nobody_named_makes_the_recorder_the_decider(sessions, clock):
    with sessions.begin() as session:
        decision = open_decision(session, clock.now(), decider=None, actor=ALICE)
        decided, changed = resolve(session, decision, clock.now(), ALICE)
        assert changed and (decided.decider_id, decided.deferred_by) == (ALICE, None)
        kinds = session.scalars(select(DecisionEvent.kind).order_by(DecisionEvent.id)).all()
        assert kinds == ["opened", "decider_set", "decided"]
        text = str([b.to_dict() for b in build_decision_card(decided)])
    assert "no decider yet" not in text and "<@U0ALICE>" in text
    assert "no decider yet" not in card_text(decided)


def test_the_recorder_may_say_someone_else_decided(sessions, clock):
    with sessions.begin() as session:
        decision = open_decision(session, clock.now(), decider=None, actor=ALICE)
        decided, _ = resolve(session, decision, clock.now(), ALICE, decider=CAROL)
        assert (decided.decider_id, decided.deferred_by) == (CAROL, ALICE)


def test_a_named_decider_is_kept_whatever_the_form_says(sessions, clock):
    with sessions.begin() as session:
        decision = open_decision(session, clock.now(), decider=BOB, actor=ALICE)
        decided, _ = resolve(session, decision, clock.now(), ALICE, decider=CAROL)
        assert (decided.decider_id, decided.deferred_by) == (BOB, ALICE)
        kinds = session.scalars(select(DecisionEvent.kind).order_by(DecisionEvent.id)).all()
        assert kinds == ["opened", "decided"]


def test_its_outcome_review_falls_due_and_goes_to_that_decider(sessions, clock):
    with sessions.begin() as session:
        decision = open_decision(session, clock.now(), decider=None, actor=ALICE)
        decided, _ = resolve(session, decision, clock.now(), ALICE, decider=CAROL)
        assert outcomes.reviewer(decided) == CAROL
    later = clock.now() + timedelta(days=14)
    with sessions() as session:
        assert outcomes.due_reviews(session, later, 14) == [(T1, decision.id)]


def test_an_older_row_decided_with_nobody_is_reviewed_by_its_opener(sessions, clock):
    with sessions.begin() as session:
        decision = open_decision(session, clock.now(), decider=None, actor=ALICE)
        resolve(session, decision, clock.now(), ALICE)
        decision.decider_id = None  # as rows decided before this rule were stored
        text = str([b.to_dict() for b in build_decision_card(decision)])
        assert outcomes.reviewer(decision) == ALICE
    assert "no decider yet" not in text and "not recorded" in text
    with sessions() as session:
        assert outcomes.due_reviews(session, clock.now() + timedelta(days=14), 14) == [
            (T1, decision.id)
        ]
