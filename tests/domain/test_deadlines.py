"""app.domain.deadlines: a passed deadline names who decides by the pre-agreed tiebreaker."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from app.blocks.reviews import build_deadline_nudge, deadline_text
from app.db.models import Decision
from app.domain import deadlines, steward
from app.domain.errors import NotAllowed
from app.vocabulary import Tiebreaker
from tests.domain.factories import (
    ALICE,
    BOB,
    CAROL,
    DAN,
    T1,
    T2,
    decide,
    mark_posted,
    open_decision,
    rotation,
)


def test_due_nudges_are_open_decisions_past_their_deadline_not_yet_nudged(sessions, clock):
    now = clock.now()
    with sessions.begin() as session:
        late = open_decision(session, now, deadline=now + timedelta(hours=1))
        later = open_decision(session, now, team=T2, deadline=now + timedelta(hours=2))
        open_decision(session, now, deadline=now + timedelta(days=2))
        open_decision(session, now)
        decide(session, open_decision(session, now, deadline=now + timedelta(hours=1)), now)
        nudged = open_decision(session, now, deadline=now + timedelta(hours=1))
        mark_posted(session, T1, deadlines.KIND, str(nudged.id), now)
    with sessions() as session:
        assert deadlines.due_nudges(session, now) == []
        assert deadlines.due_nudges(session, now + timedelta(hours=3)) == [
            (T1, late.id),
            (T2, later.id),
        ]


def choice(sessions, clock, rule):
    with sessions.begin() as session:
        decision = open_decision(session, clock.now(), decider=None, tiebreaker=rule)
        return deadlines.tiebreaker_choice(session, decision, clock.now())[0]


def test_the_opener_decides_by_default_and_when_the_named_role_is_empty(sessions, clock):
    assert choice(sessions, clock, Tiebreaker.OPENER) == ALICE
    assert choice(sessions, clock, Tiebreaker.STEWARD) == ALICE
    assert choice(sessions, clock, Tiebreaker.ROTATION_LEAD) == ALICE
    assert choice(sessions, clock, Tiebreaker.POLL_LEADER) == ALICE  # no closed poll


def test_the_steward_and_the_rotation_lead_are_found_when_there_are_some(sessions, clock):
    with sessions.begin() as session:
        steward.set_steward(session, team_id=T1, actor_id=ALICE, now=clock.now(), user_id=DAN)
        rotation(session, clock.now(), [CAROL, BOB])
    assert choice(sessions, clock, Tiebreaker.STEWARD) == DAN
    assert choice(sessions, clock, Tiebreaker.ROTATION_LEAD) == CAROL


def test_only_the_opener_applies_the_tiebreaker_and_only_once(sessions, clock):
    with sessions.begin() as session:
        steward.set_steward(session, team_id=T1, actor_id=ALICE, now=clock.now(), user_id=DAN)
        decision = open_decision(
            session, clock.now(), actor=ALICE, decider=None, tiebreaker=Tiebreaker.STEWARD
        )

        def apply(actor):
            return deadlines.apply_tiebreaker(
                session, team_id=T1, decision_id=decision.id, actor_id=actor, now=clock.now()
            )

        with pytest.raises(NotAllowed):
            apply(BOB)
        assert decision.decider_id is None
        applied, changed = apply(ALICE)
        assert changed and applied.decider_id == DAN
        applied.decider_id = CAROL  # changed again on the card afterwards
        again, changed = apply(ALICE)
        assert not changed and again.decider_id == CAROL


def test_a_decided_decision_has_no_tiebreaker_to_apply(sessions, clock):
    with sessions.begin() as session:
        decision = decide(session, open_decision(session, clock.now()), clock.now())
        with pytest.raises(NotAllowed):
            deadlines.apply_tiebreaker(
                session, team_id=T1, decision_id=decision.id, actor_id=ALICE, now=clock.now()
            )


def test_a_named_decider_is_asked_and_never_replaced_by_the_tiebreaker(sessions, clock):
    now = clock.now()
    with sessions.begin() as session:
        steward.set_steward(session, team_id=T1, actor_id=ALICE, now=now, user_id=DAN)
        decision = open_decision(
            session,
            now,
            actor=ALICE,
            decider=BOB,
            tiebreaker=Tiebreaker.STEWARD,
            deadline=now + timedelta(hours=1),
        )
        assert deadlines.asks_the_decider(decision)
        with pytest.raises(NotAllowed, match="<@U0BOB> already decides"):
            deadlines.apply_tiebreaker(
                session, team_id=T1, decision_id=decision.id, actor_id=ALICE, now=now
            )
        assert decision.decider_id == BOB
        nobody = open_decision(session, now, decider=None, deadline=now + timedelta(hours=1))
        assert not deadlines.asks_the_decider(nobody)


def test_the_nudge_asks_the_decider_to_decide_or_hand_it_on():
    decision = Decision(
        id=12, title="Pick", decider_id=BOB, created_by=ALICE, deadline=None, channel_id="C1"
    )
    shown = json.dumps([b.to_dict() for b in build_deadline_nudge(decision, None)])
    assert "<@U0BOB>, decide it now, or hand it on" in shown
    assert "/decide handoff 12 @someone" in shown
    assert "deadline.apply_tiebreaker" not in shown and "tiebreaker" not in shown.lower()
    assert "decision.record_resolution" in shown and "decision.hand_on" in shown
    assert "hand it on with `/decide handoff 12 @someone`" in deadline_text(decision, None)
