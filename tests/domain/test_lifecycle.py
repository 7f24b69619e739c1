"""Edit, hand on, cancel, reopen and supersede: the rules, their events, and their refusals."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.db.models import DecisionEvent
from app.domain import deadlines, decisions, ledger, lifecycle, metrics, outcomes
from app.domain.decisions import Declaration
from app.domain.errors import InvalidInput, NotAllowed, NotFound
from app.domain.lifecycle import Edit
from app.vocabulary import Approach, Framework, Status, Zone
from tests.domain.factories import ALICE, BOB, CAROL, DAN, T1, T2, decide, open_decision


def events(session, decision, kind):
    return session.scalars(
        select(DecisionEvent).where(
            DecisionEvent.team_id == decision.team_id,
            DecisionEvent.decision_id == decision.id,
            DecisionEvent.kind == kind,
        )
    ).all()


def test_edit_keeps_before_and_after_of_each_changed_field(sessions, clock):
    deadline = clock.now() + timedelta(days=3)
    with sessions.begin() as session:
        decision = open_decision(session, clock.now(), context="old context")
        changes = Edit(
            title="Pick the ledger database",
            context="old context",
            deadline=deadline,
            framework=Framework.EXPERTISE,
            approach=Approach.TACTICAL,
            zone=Zone.PRINCIPLE,
        )
        edited, changed = lifecycle.edit(
            session,
            team_id=T1,
            decision_id=decision.id,
            actor_id=ALICE,
            changes=changes,
            now=clock.now(),
            idempotency_key="e1",
        )
        assert changed and edited.title == "Pick the ledger database"
        assert (edited.zone, edited.deadline) == (Zone.PRINCIPLE, deadline)
        [event] = events(session, decision, "edited")
        assert event.actor_id == ALICE
        assert event.detail["title"] == {
            "before": "Pick the billing database",
            "after": "Pick the ledger database",
        }
        assert event.detail["zone"] == {"before": "local", "after": "principle"}
        assert "context" not in event.detail  # unchanged fields are not noise in the history
        assert edited.last_change["kind"] == "edited"
        _, changed = lifecycle.edit(
            session,
            team_id=T1,
            decision_id=decision.id,
            actor_id=ALICE,
            changes=changes,
            now=clock.now(),
            idempotency_key="e1",
        )
        assert not changed and len(events(session, decision, "edited")) == 1


def test_edit_refuses_strangers_past_deadlines_and_lowering_an_escalation(sessions, clock):
    with sessions.begin() as session:
        decision = open_decision(session, clock.now())
        changes = Edit.of(decision)
        with pytest.raises(NotAllowed):
            lifecycle.edit(
                session,
                team_id=T1,
                decision_id=decision.id,
                actor_id=CAROL,
                changes=changes,
                now=clock.now(),
                idempotency_key="e1",
            )
        late = Edit(title="Pick", deadline=clock.now() - timedelta(hours=1))
        with pytest.raises(InvalidInput) as bad:
            lifecycle.edit(
                session,
                team_id=T1,
                decision_id=decision.id,
                actor_id=BOB,
                changes=late,
                now=clock.now(),
                idempotency_key="e2",
            )
        assert "deadline" in bad.value.errors
        decision.status, decision.zone = Status.ESCALATED, Zone.PRINCIPLE
        with pytest.raises(InvalidInput) as lowered:
            lifecycle.edit(
                session,
                team_id=T1,
                decision_id=decision.id,
                actor_id=BOB,
                changes=Edit(title="Pick", zone=Zone.LOCAL),
                now=clock.now(),
                idempotency_key="e3",
            )
        assert "zone" in lowered.value.errors


def hand_on(session, decision, actor, to, clock, key="h1", **kw):
    return lifecycle.hand_on(
        session,
        team_id=decision.team_id,
        decision_id=decision.id,
        actor_id=actor,
        new_decider_id=to,
        reason="Carol knows the ledger",
        now=clock.now(),
        idempotency_key=key,
        **kw,
    )


def test_the_decider_hands_on_and_the_event_says_who_yielded_to_whom(sessions, clock):
    with sessions.begin() as session:
        decision = open_decision(session, clock.now(), actor=ALICE, decider=BOB)
        handed, changed = hand_on(session, decision, BOB, CAROL, clock)
        assert changed
        assert (handed.decider_id, handed.deferred_by) == (CAROL, BOB)
        [event] = events(session, decision, "handed_on")
        assert event.detail == {
            "from": BOB,
            "to": CAROL,
            "yielded_by": BOB,
            "reason": "Carol knows the ledger",
        }
        assert handed.last_change["to"] == CAROL


def test_the_opener_hands_on_only_while_nobody_decides(sessions, clock):
    with sessions.begin() as session:
        decided_by_bob = open_decision(session, clock.now(), actor=ALICE, decider=BOB)
        with pytest.raises(NotAllowed, match="hand"):
            hand_on(session, decided_by_bob, ALICE, CAROL, clock)
        nobody = open_decision(session, clock.now(), actor=ALICE, decider=None)
        handed, _ = hand_on(session, nobody, ALICE, CAROL, clock, key="h2")
        assert (handed.decider_id, handed.deferred_by) == (CAROL, ALICE)
        with pytest.raises(NotAllowed):
            hand_on(session, handed, DAN, DAN, clock, key="h3")  # no self-appointment
        admin, _ = hand_on(session, handed, DAN, BOB, clock, key="h4", is_admin=True)
        assert admin.decider_id == BOB


def cancel(session, decision, actor, clock, key="c1", reason="Duplicate of #3", **kw):
    return lifecycle.cancel(
        session,
        team_id=decision.team_id,
        decision_id=decision.id,
        actor_id=actor,
        reason=reason,
        now=clock.now(),
        idempotency_key=key,
        **kw,
    )


def test_cancel_needs_a_reason_and_a_corrector_and_only_once(sessions, clock):
    with sessions.begin() as session:
        decision = open_decision(session, clock.now())
        with pytest.raises(InvalidInput):
            cancel(session, decision, ALICE, clock, reason="   ")
        with pytest.raises(NotAllowed):
            cancel(session, decision, CAROL, clock)
        cancelled, changed = cancel(session, decision, ALICE, clock)
        assert changed and cancelled.status is Status.CANCELLED
        assert cancel(session, decision, ALICE, clock)[1] is False  # the same request again
        with pytest.raises(NotAllowed, match="already cancelled"):
            cancel(session, decision, ALICE, clock, key="c2")
        [event] = events(session, decision, "cancelled")
        assert (event.from_status, event.to_status) == (Status.OPEN, Status.CANCELLED)
        assert event.detail["reason"] == "Duplicate of #3"


def test_cancelled_decisions_leave_velocity_concentration_and_load(sessions, clock):
    with sessions.begin() as session:
        kept = open_decision(session, clock.now(), decider=BOB)
        for _ in range(3):
            cancel(
                session, open_decision(session, clock.now(), decider=CAROL), ALICE, clock, key=None
            )
        clock.advance(timedelta(hours=2))
        decide(session, kept, clock.now())
        board = metrics.dashboard(session, metrics.Scope(T1))
    assert board.opened == 1
    assert board.concentration.by_decider == [(BOB, 1)]
    assert board.open_load == []
    assert board.velocity.decided == 1


def reopen(session, decision, actor, clock, key="r1"):
    return lifecycle.reopen(
        session,
        team_id=decision.team_id,
        decision_id=decision.id,
        actor_id=actor,
        reason="The vendor doubled its price",
        now=clock.now(),
        idempotency_key=key,
    )


def test_reopen_keeps_the_resolution_in_history_and_the_review_waits(sessions, clock):
    with sessions.begin() as session:
        decision = open_decision(session, clock.now())
        decide(session, decision, clock.now())
        decision.outcome = "worked"
        with pytest.raises(NotAllowed):
            reopen(session, decision, CAROL, clock)
        reopened, changed = reopen(session, decision, BOB, clock)
        assert changed and reopened.status is Status.OPEN
        assert (reopened.resolution, reopened.decided_at, reopened.outcome) == (None, None, None)
        [event] = events(session, decision, "reopened")
        assert event.detail["resolution"] == "Done" and event.detail["outcome"] == "worked"
        assert event.detail["reason"] == "The vendor doubled its price"
        clock.advance(timedelta(days=30))
        assert outcomes.due_reviews(session, clock.now(), 7) == []  # not decided: none due
        decide(session, decision, clock.now())
        assert outcomes.due_reviews(session, clock.now(), 7) == []  # moved: due 7 days later
        clock.advance(timedelta(days=7))
        assert outcomes.due_reviews(session, clock.now(), 7) == [(T1, decision.id)]
        # Its review is sent; reopened and decided again, the new resolution gets its own.
        post = ledger.claim(
            session,
            team_id=T1,
            kind=outcomes.KIND,
            subject=str(decision.id),
            occurrence=ledger.ONCE,
            now=clock.now(),
        )
        ledger.finish(session, post, now=clock.now(), ts="1.0", channel_id=BOB)
        assert outcomes.due_reviews(session, clock.now(), 7) == []
        reopen(session, decision, BOB, clock, key="r3")
        decide(session, decision, clock.now())
        clock.advance(timedelta(days=7))
        assert outcomes.due_reviews(session, clock.now(), 7) == [(T1, decision.id)]
        with pytest.raises(NotAllowed, match="open"):
            reopen(session, open_decision(session, clock.now()), BOB, clock, key="r2")


def supersede(session, old, actor, clock, origin="s1", **kw):
    return lifecycle.supersede(
        session,
        team_id=old.team_id,
        decision_id=old.id,
        declaration=Declaration(title="Pick Postgres after all", channel_id="C1", decider_id=CAROL),
        actor_id=actor,
        origin_key=origin,
        now=clock.now(),
        reason="Scale changed",
        **kw,
    )


def test_supersede_links_both_ways_and_a_redelivery_changes_nothing(sessions, clock):
    with sessions.begin() as session:
        old = open_decision(session, clock.now())
        old.permalink = "https://example.slack.com/archives/C1/p1"
        decide(session, old, clock.now())
        with pytest.raises(NotAllowed):
            supersede(session, old, CAROL, clock)
        new, same_old, created = supersede(session, old, BOB, clock)
        assert created and same_old is old
        assert (old.status, old.superseded_by_id) == (Status.SUPERSEDED, new.id)
        assert (new.supersedes_id, new.supersedes_link) == (old.id, old.permalink)
        assert new.status is Status.OPEN and new.decider_id == CAROL
        assert supersede(session, old, BOB, clock)[2] is False
        with pytest.raises(NotAllowed, match="superseded"):
            supersede(session, old, BOB, clock, origin="s2")
        [gone] = events(session, old, "superseded")
        assert gone.detail["by_decision"] == new.id and gone.detail["reason"] == "Scale changed"
        assert events(session, new, "supersedes")[0].detail["decision"] == old.id
        new.permalink = "https://example.slack.com/archives/C1/p2"
        assert lifecycle.link_successor(session, T1, new.id) is old
        assert old.superseded_by_link == new.permalink


def test_every_transition_stays_inside_its_team(sessions, clock):
    with sessions.begin() as session:
        decision = open_decision(session, clock.now(), team=T1)
        with pytest.raises(NotFound):
            lifecycle.cancel(
                session,
                team_id=T2,
                decision_id=decision.id,
                actor_id=ALICE,
                reason="mine now",
                now=clock.now(),
                idempotency_key="x",
            )
        assert decisions.get_decision(session, T1, decision.id).status is Status.OPEN


def test_moving_a_passed_deadline_arms_a_new_nudge(sessions, clock):
    with sessions.begin() as session:
        decision = open_decision(session, clock.now(), deadline=clock.now() + timedelta(hours=1))
        clock.advance(timedelta(hours=2))
        assert deadlines.due_nudges(session, clock.now()) == [(T1, decision.id)]
        post = ledger.claim(
            session,
            team_id=T1,
            kind=deadlines.KIND,
            subject=str(decision.id),
            occurrence=ledger.ONCE,
            now=clock.now(),
        )
        ledger.finish(session, post, now=clock.now(), ts="1.0", channel_id="C1")
        assert deadlines.due_nudges(session, clock.now()) == []
        later = Edit.of(decision)
        later = Edit(**{**later.__dict__, "deadline": clock.now() + timedelta(days=1)})
        lifecycle.edit(
            session,
            team_id=T1,
            decision_id=decision.id,
            actor_id=ALICE,
            changes=later,
            now=clock.now(),
            idempotency_key="move",
        )
        assert deadlines.due_nudges(session, clock.now()) == []  # not passed yet
        clock.advance(timedelta(days=2))
        assert deadlines.due_nudges(session, clock.now()) == [(T1, decision.id)]


def test_who_hears_of_a_change_made_by_someone_else(sessions, clock):
    with sessions.begin() as session:
        decision = open_decision(session, clock.now(), actor=ALICE, decider=BOB)
        cancel(session, decision, DAN, clock, key="by-admin", is_admin=True)
        assert lifecycle.told_of_change(decision, DAN) == [BOB, ALICE]
        assert lifecycle.told_of_change(decision, ALICE) == [BOB]
        other = open_decision(session, clock.now(), actor=ALICE, decider=BOB)
        hand_on(session, other, BOB, CAROL, clock, key="h9")
        # Bob yielded himself; Carol gets her own message; Alice, who opened it, hears.
        assert lifecycle.told_of_change(other, BOB) == [ALICE]


def at_once(*calls) -> list:
    """Run the calls on two threads released together; each one's result or exception."""
    start, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(i: int) -> None:
        start.wait()
        try:
            results[i] = calls[i]()
        except Exception as exc:  # the test looks at what each one got
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_a_supersession_delivered_twice_at_once_makes_one_new_decision(sessions, clock):
    with sessions.begin() as session:
        old = open_decision(session, clock.now())
        decide(session, old, clock.now())

    def deliver(origin: str):
        def call():
            with sessions.begin() as session:
                return supersede(session, old, BOB, clock, origin=origin)[2]

        return call

    assert sorted(at_once(deliver("same"), deliver("same")), key=str) == [False, True]
    first, second = at_once(deliver("one"), deliver("another"))  # already superseded now
    assert isinstance(first, NotAllowed) and isinstance(second, NotAllowed)
    with sessions() as session:
        assert len(events(session, old, "superseded")) == 1
        assert decisions.search_log(session, T1, "Postgres")[1] == 1


def test_two_people_cancelling_at_once_take_turns(sessions, clock):
    """Whoever changes the status first wins; the other is told it is already cancelled, and
    the history holds exactly one cancellation (a compare-and-set, on SQLite too)."""
    with sessions.begin() as session:
        decision = open_decision(session, clock.now(), actor=ALICE, decider=BOB)

    def by(actor: str):
        def call():
            with sessions.begin() as session:
                return cancel(session, decision, actor, clock, key=f"c-{actor}")[1]

        return call

    results = at_once(by(ALICE), by(BOB))
    assert results.count(True) == 1, results
    [refusal] = [r for r in results if r is not True]
    assert isinstance(refusal, NotAllowed) and "already cancelled" in str(refusal)
    with sessions() as session:
        assert len(events(session, decision, "cancelled")) == 1
