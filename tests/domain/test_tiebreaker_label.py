"""A decider a tiebreaker chose is labelled with that rule, on the card and in the stats, and an
anonymous poll's recommendation says why when candidates are level on nominations."""

from __future__ import annotations

from datetime import timedelta

from app.blocks.cards import build_decision_card
from app.blocks.polls import build_poll_result, outcome_note
from app.domain import deadlines, metrics, poll_service, steward
from app.domain.polls import Ballot, level_on_nominations, score_ballots
from app.vocabulary import Framework, Tiebreaker
from tests.domain.factories import ALICE, BOB, CAROL, DAN, T1, open_decision


def _card_text(decision) -> str:
    return str([b.to_dict() for b in build_decision_card(decision)])


def _closed_tied_poll(sessions, clock, tiebreaker=Tiebreaker.STEWARD):
    """A poll on a decision with no decider, closed on a tie between BOB and CAROL."""
    now = clock.now()
    with sessions.begin() as session:
        steward.set_steward(session, team_id=T1, user_id=DAN, actor_id=ALICE, now=now)
        decision = open_decision(
            session, now, decider=None, tiebreaker=tiebreaker, framework=Framework.EXPERTISE
        )
        options = poll_service.PollOptions(now + timedelta(hours=1), False)
        poll, _ = poll_service.start_poll(
            session,
            team_id=T1,
            decision_id=decision.id,
            opened_by=ALICE,
            options=options,
            origin_key="poll",
            now=now,
        )
        for voter, nominee in ((ALICE, BOB), (DAN, CAROL)):
            poll_service.cast_vote(
                session, team_id=T1, poll_id=poll.id, user_id=voter, now=now, nominee=nominee
            )
    with sessions.begin() as session:
        poll_service.close_poll(session, team_id=T1, poll_id=poll.id, now=now)
    return decision.id, poll.id


def test_a_poll_tie_settled_by_the_steward_is_labelled_with_the_rule_not_expertise(sessions, clock):
    _decision_id, poll_id = _closed_tied_poll(sessions, clock)
    with sessions.begin() as session:
        decision, poll, changed = poll_service.adopt_result(
            session, team_id=T1, poll_id=poll_id, actor_id=ALICE, now=clock.now()
        )
        outcome = poll_service.outcome_of(poll)
        assert changed and decision.decider_id == DAN and decision.decider_rule == "steward"
        card = _card_text(decision)
        adopted = str(
            [
                b.to_dict()
                for b in build_poll_result(outcome, False, poll_id=poll_id, title="t", adopted=True)
            ]
        )
    assert "<@U0DAN> (tiebreaker: the steward)" in card
    assert "tiebreaker: the steward" in adopted and "expertise" not in adopted


def test_stats_count_a_tiebreakers_pick_apart_from_expertise(sessions, clock):
    _decision_id, poll_id = _closed_tied_poll(sessions, clock)
    with sessions.begin() as session:
        open_decision(session, clock.now(), framework=Framework.EXPERTISE)
        poll_service.adopt_result(
            session, team_id=T1, poll_id=poll_id, actor_id=ALICE, now=clock.now()
        )
    with sessions() as session:
        board = metrics.dashboard(session, metrics.Scope(T1))
    assert board.opened == 2
    assert board.expertise_share == 0.5  # the declared expert, not the tiebreaker's pick
    assert board.tiebreaker_share == 0.5


def test_a_deadline_tiebreaker_labels_the_decider_and_a_later_choice_clears_it(sessions, clock):
    now = clock.now()
    with sessions.begin() as session:
        steward.set_steward(session, team_id=T1, user_id=CAROL, actor_id=ALICE, now=now)
        decision = open_decision(
            session, now, decider=None, tiebreaker=Tiebreaker.STEWARD, deadline=now + timedelta(1)
        )
    with sessions.begin() as session:
        decision, changed = deadlines.apply_tiebreaker(
            session, team_id=T1, decision_id=decision.id, actor_id=ALICE, now=now
        )
        assert changed and (decision.decider_id, decision.decider_rule) == (CAROL, "steward")
        assert "(tiebreaker: the steward)" in _card_text(decision)
        assert decision.events[-1].detail["chose"] == "steward"
    with sessions() as session:
        assert metrics.dashboard(session, metrics.Scope(T1)).tiebreaker_share == 1.0


def test_a_clear_poll_result_is_still_expertise():
    outcome = score_ballots(
        [Ballot("U1", nominee="U2"), Ballot("U3", nominee="U2")],
        {},
        min_responses=1,
        tiebreaker=Tiebreaker.STEWARD,
        opener="U1",
    )
    blocks = build_poll_result(outcome, False, poll_id=1, title="t", adopted=True)
    assert "framework: expertise" in str([b.to_dict() for b in blocks])


def _level_outcome():
    """U2 and U3 have one nomination each; U2's self-rating (known only as a nominee's) leads."""
    return score_ballots(
        [Ballot("U1", nominee="U2"), Ballot("U4", nominee="U3"), Ballot("U2", rating=4)],
        {},
        min_responses=1,
        tiebreaker=Tiebreaker.OPENER,
        opener="U1",
    )


def test_level_on_nominations_names_the_others_only_when_nominations_did_not_decide():
    assert level_on_nominations(_level_outcome()) == ["U3"]
    clear = score_ballots(
        [Ballot("U1", nominee="U2"), Ballot("U4", nominee="U2"), Ballot("U5", nominee="U3")],
        {},
        min_responses=1,
        tiebreaker=Tiebreaker.OPENER,
        opener="U1",
    )
    assert level_on_nominations(clear) == []
    assert outcome_note(clear, anonymous=True) == "Defer to <@U2>."


def test_an_anonymous_recommendation_says_why_when_nominations_are_level():
    outcome = _level_outcome()
    note = outcome_note(outcome, anonymous=True)
    assert note.startswith("Defer to <@U2>.")
    assert "<@U3> also has 1 nomination" in note
    assert "self-ratings" in note and "never shown" in note
    assert "4/5" not in note  # an anonymous poll never shows a rating
    shown = outcome_note(outcome, anonymous=False)
    assert "leads on self-rating (4/5)" in shown
    blocks = str([b.to_dict() for b in build_poll_result(outcome, True, poll_id=1, title="t")])
    assert "never shown in an anonymous poll" in blocks


def test_a_closed_anonymous_poll_level_on_nominations_explains_its_pick(sessions, clock):
    now = clock.now()
    with sessions.begin() as session:
        decision = open_decision(session, now, decider=None)
        options = poll_service.PollOptions(now + timedelta(hours=1), True)
        poll, _ = poll_service.start_poll(
            session,
            team_id=T1,
            decision_id=decision.id,
            opened_by=ALICE,
            options=options,
            origin_key="anon",
            now=now,
        )
        for voter, rating, nominee in ((ALICE, None, BOB), (DAN, None, CAROL), (BOB, 5, None)):
            poll_service.cast_vote(
                session,
                team_id=T1,
                poll_id=poll.id,
                user_id=voter,
                now=now,
                rating=rating,
                nominee=nominee,
            )
    with sessions.begin() as session:
        closed, _ = poll_service.close_poll(session, team_id=T1, poll_id=poll.id, now=now)
        outcome = poll_service.outcome_of(closed)
    assert outcome.recommended == BOB and level_on_nominations(outcome) == [CAROL]
    shown = str([b.to_dict() for b in build_poll_result(outcome, True, poll_id=1, title="t")])
    assert "<@U0CAROL> also has 1 nomination" in shown and "never shown" in shown
    assert "5/5" not in shown and "self-rated" not in shown
