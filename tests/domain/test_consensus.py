"""app.domain.consensus: one objection, with its reason, reopens the choice of decider; the
objector may withdraw it; asking is not objecting; a vote counts once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.blocks.cards import build_decision_card
from app.db.models import DecisionEvent
from app.domain import consensus, decisions, metrics
from app.domain.errors import InvalidInput, NotAllowed, NotFound
from app.vocabulary import Status
from tests.domain.factories import ALICE, BOB, CAROL, DAN, T1, T2, decide, open_decision


def start(session, decision, now, origin="card:1", actor=ALICE):
    return consensus.start(
        session,
        team_id=decision.team_id,
        decision_id=decision.id,
        actor_id=actor,
        now=now,
        origin_key=origin,
    )


def vote(session, check, user, agree, now, team=T1, reason="It is hard to undo"):
    return consensus.answer(
        session,
        team_id=team,
        check_id=check.id,
        user_id=user,
        agree=agree,
        now=now,
        reason=None if agree else reason,
    )


def event_kinds(session, decision) -> list[str]:
    query = select(DecisionEvent.kind).where(DecisionEvent.decision_id == decision.id)
    return list(session.scalars(query.order_by(DecisionEvent.id)))


def test_a_check_asks_about_the_current_decider_once_per_origin(sessions, clock):
    with sessions.begin() as session:
        decision = open_decision(session, clock.now(), decider=BOB)
        check, created = start(session, decision, clock.now())
        assert created and (check.decider_id, check.status, check.asked_by) == (
            BOB,
            consensus.OPEN,
            ALICE,
        )
        same, created = start(session, decision, clock.now())  # the click, redelivered
        assert not created and same.id == check.id
        other, created = start(session, decision, clock.now(), origin="declared:1")
        assert created and other.id != check.id
        assert event_kinds(session, decision) == ["opened", "consensus_check", "consensus_check"]


def test_no_check_without_a_decider_or_on_a_closed_decision(sessions, clock):
    with sessions.begin() as session:
        nobody = open_decision(session, clock.now(), decider=None)
        with pytest.raises(NotAllowed):
            start(session, nobody, clock.now())
        closed = decide(session, open_decision(session, clock.now()), clock.now())
        with pytest.raises(NotAllowed):
            start(session, closed, clock.now(), origin="card:2")


def test_agreeing_changes_nothing_and_a_repeated_vote_is_not_counted(sessions, clock):
    with sessions.begin() as session:
        decision = open_decision(session, clock.now())
        check, _ = start(session, decision, clock.now())
        assert vote(session, check, CAROL, True, clock.now())[2] is True
        assert vote(session, check, CAROL, True, clock.now())[2] is False
        assert vote(session, check, CAROL, False, clock.now())[2] is False  # one vote a person
        assert check.status == consensus.OPEN
        assert decisions.get_decision(session, T1, decision.id).decider_id == BOB
        assert [(v.user_id, v.agree) for v in consensus.votes(session, T1, check.id)] == [
            (CAROL, True)
        ]


def test_one_objection_clears_the_decider_and_closes_the_check(sessions, clock):
    with sessions.begin() as session:
        decision = open_decision(session, clock.now(), decider=BOB, actor=ALICE)
        assert decision.deferred_by == ALICE
        check, _ = start(session, decision, clock.now())
        vote(session, check, CAROL, True, clock.now())
        _, reopened, counted = vote(session, check, DAN, False, clock.now())
        assert counted and check.status == consensus.OBJECTED
        assert (reopened.decider_id, reopened.deferred_by, reopened.reopened) == (None, None, True)
        assert reopened.status is Status.OPEN
        assert event_kinds(session, decision)[-1] == "consensus_objection"
        with pytest.raises(NotAllowed):
            vote(session, check, ALICE, True, clock.now())


def test_an_objection_to_a_former_decider_leaves_the_new_one(sessions, clock):
    with sessions.begin() as session:
        decision = open_decision(session, clock.now(), decider=BOB)
        check, _ = start(session, decision, clock.now())
        decision.decider_id = CAROL  # changed on the card since the check was asked
        vote(session, check, DAN, False, clock.now())
        assert check.status == consensus.OBJECTED
        assert decision.decider_id == CAROL and not decision.reopened


def test_checks_belong_to_their_team(sessions, clock):
    with sessions.begin() as session:
        check, _ = start(session, open_decision(session, clock.now(), team=T2), clock.now())
        with pytest.raises(NotFound):
            consensus.get(session, T1, check.id)
        with pytest.raises(NotFound):
            vote(session, check, CAROL, False, clock.now(), team=T1)
        consensus.attach(session, T2, check.id, "1700000000.000200")
        assert consensus.get(session, T2, check.id).message_ts == "1700000000.000200"


def test_an_objection_needs_a_reason_and_the_card_says_who_objected_and_why(sessions, clock):
    with sessions.begin() as session:
        decision = open_decision(session, clock.now(), decider=BOB)
        check, _ = start(session, decision, clock.now())
        with pytest.raises(InvalidInput, match="Say why you object"):
            vote(session, check, DAN, False, clock.now(), reason="   ")
        assert check.status == consensus.OPEN and consensus.votes(session, T1, check.id) == []
        _, reopened, _ = vote(session, check, DAN, False, clock.now(), reason="<!here> too <b>")
        assert (reopened.objected_by, reopened.objection) == (DAN, "<!here> too <b>")
        [objection] = consensus.votes(session, T1, check.id)
        assert objection.reason == "<!here> too <b>"
        card = str([b.to_dict() for b in build_decision_card(reopened)])
        event = session.scalars(select(DecisionEvent).order_by(DecisionEvent.id.desc())).first()
    assert "<@U0DAN> objected" in card and "&lt;!here&gt; too &lt;b&gt;" in card
    assert "<!here>" not in card
    assert event.detail["reason"] == "<!here> too <b>" and event.actor_id == DAN


def test_asking_for_a_check_is_not_an_objection(sessions, clock):
    with sessions.begin() as session:
        decision = open_decision(session, clock.now(), decider=BOB)
        check, _ = start(session, decision, clock.now(), actor=CAROL)
        assert check.asked_by == CAROL and check.status == consensus.OPEN
        assert decision.decider_id == BOB and decision.objected_by is None
        assert event_kinds(session, decision) == ["opened", "consensus_check"]
        _, reopened, _ = vote(session, check, DAN, False, clock.now())
        assert reopened.objected_by == DAN  # the person who clicked Object, not who asked
        [objection] = session.scalars(
            select(DecisionEvent).where(DecisionEvent.kind == "consensus_objection")
        )
        assert objection.actor_id == DAN


def test_the_objector_withdraws_and_the_decider_the_check_asked_about_decides_again(
    sessions, clock
):
    with sessions.begin() as session:
        decision = open_decision(session, clock.now(), decider=BOB)
        check, _ = start(session, decision, clock.now())
        vote(session, check, DAN, False, clock.now())
        with pytest.raises(NotAllowed, match="Only <@U0DAN>, who objected"):
            consensus.withdraw(
                session, team_id=T1, check_id=check.id, user_id=ALICE, now=clock.now()
            )
        with pytest.raises(NotFound):
            consensus.withdraw(session, team_id=T2, check_id=check.id, user_id=DAN, now=clock.now())
        check, restored, changed = consensus.withdraw(
            session, team_id=T1, check_id=check.id, user_id=DAN, now=clock.now()
        )
        assert changed and check.status == consensus.OPEN
        assert (restored.decider_id, restored.reopened, restored.objected_by) == (BOB, False, None)
        assert event_kinds(session, decision)[-1] == "consensus_objection_withdrawn"
        board = metrics.dashboard(session, metrics.Scope(T1))
        assert board.objections == 0, "a withdrawn objection is no longer counted"
        again = consensus.withdraw(
            session, team_id=T1, check_id=check.id, user_id=DAN, now=clock.now()
        )
        assert again[2] is False  # a second click changes nothing
        assert vote(session, check, DAN, True, clock.now())[2] is True  # may answer again


def test_withdrawing_after_someone_else_was_named_leaves_them(sessions, clock):
    with sessions.begin() as session:
        decision = open_decision(session, clock.now(), decider=BOB)
        check, _ = start(session, decision, clock.now())
        vote(session, check, DAN, False, clock.now())
        decisions.set_decider(
            session,
            decision,
            CAROL,
            actor_id=ALICE,
            now=clock.now(),
            via={"via": "test"},
            idempotency_key="named",
        )
        assert decision.objected_by is None  # naming a decider settles the objection
        check, after, changed = consensus.withdraw(
            session, team_id=T1, check_id=check.id, user_id=DAN, now=clock.now()
        )
        assert changed and check.status == consensus.WITHDRAWN and after.decider_id == CAROL
