"""app.domain.checkins: what a stand-up check lists, and taking a decision that has no decider."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.db.models import DecisionEvent
from app.domain import checkins, decisions
from app.domain.errors import NotAllowed, NotFound
from app.vocabulary import Status
from tests.domain.factories import ALICE, BOB, CAROL, T1, T2, decide, open_decision


def test_open_decisions_lists_this_channels_open_ones_soonest_deadline_first(sessions, clock):
    now = clock.now()
    with sessions.begin() as session:
        later = open_decision(session, now, title="later", deadline=now + timedelta(days=3))
        undated_old = open_decision(session, now, title="undated old")
        soon = open_decision(session, now, title="soon", deadline=now + timedelta(hours=2))
        escalated = open_decision(session, now + timedelta(minutes=1), title="escalated")
        escalated.status = Status.ESCALATED
        decide(session, open_decision(session, now, title="decided"), now)
        open_decision(session, now, title="other channel", channel="C2")
        open_decision(session, now, title="other team", team=T2)
    with sessions() as session:
        titles = [d.title for d in checkins.open_decisions(session, T1, "C1")]
    assert titles == [soon.title, later.title, undated_old.title, escalated.title]


def take(session, decision, actor, decider, now, key="checkin-1"):
    return checkins.assign_decider(
        session,
        team_id=decision.team_id,
        decision_id=decision.id,
        actor_id=actor,
        decider_id=decider,
        now=now,
        idempotency_key=key,
    )


def test_someone_can_claim_a_decision_with_no_decider_once(sessions, clock):
    with sessions.begin() as session:
        decision = open_decision(session, clock.now(), decider=None)
        claimed, changed = take(session, decision, CAROL, CAROL, clock.now())
        assert changed and claimed.decider_id == CAROL
    with sessions.begin() as session:
        again, changed = take(session, decision, CAROL, BOB, clock.now())  # a redelivered click
        assert not changed and again.decider_id == CAROL
        keyed = session.scalars(
            select(DecisionEvent).where(DecisionEvent.idempotency_key == "checkin-1")
        )
        assert len(list(keyed)) == 1


def test_a_named_decider_is_never_replaced_from_a_stand_up(sessions, clock):
    with sessions.begin() as session:
        decision = open_decision(session, clock.now(), decider=BOB)
        with pytest.raises(NotAllowed):
            take(session, decision, CAROL, CAROL, clock.now())
        assert decisions.get_decision(session, T1, decision.id).decider_id == BOB


def test_a_closed_decision_cannot_be_taken(sessions, clock):
    with sessions.begin() as session:
        decision = open_decision(session, clock.now(), decider=None)
        decision.status = Status.CANCELLED
        with pytest.raises(NotAllowed):
            take(session, decision, CAROL, CAROL, clock.now())


def test_another_teams_decision_is_not_found(sessions, clock):
    with sessions.begin() as session:
        decision = open_decision(session, clock.now(), decider=None, team=T2)
        decision_id = decision.id
    with sessions.begin() as session, pytest.raises(NotFound):
        checkins.assign_decider(
            session,
            team_id=T1,
            decision_id=decision_id,
            actor_id=ALICE,
            decider_id=ALICE,
            now=clock.now(),
            idempotency_key="k",
        )


def test_recent_in_team_is_newest_first_within_the_team_and_capped(sessions, clock):
    with sessions.begin() as session:
        for n in range(4):
            open_decision(session, clock.now() + timedelta(minutes=n), title=f"d{n}")
        open_decision(session, clock.now() + timedelta(hours=1), title="elsewhere", team=T2)
    with sessions() as session:
        assert [d.title for d in checkins.recent_in_team(session, T1, limit=3)] == [
            "d3",
            "d2",
            "d1",
        ]
