"""Poll scoring and tie rules (pure), closing times, and the anonymity of stored ballots."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from app.blocks.polls import build_poll_result, outcome_note, tiebreaker_words
from app.db.models import PollVote
from app.domain import decisions, poll_service, when
from app.domain.errors import InvalidInput, NotAllowed
from app.domain.polls import Ballot, score_ballots, who_decides
from app.vocabulary import PollStatus, Tiebreaker

OPENER = "U0OPENER"


def score(ballots, load=None, *, minimum=1, rule=Tiebreaker.OPENER):
    return score_ballots(ballots, load or {}, min_responses=minimum, tiebreaker=rule, opener=OPENER)


def test_one_peer_nomination_outweighs_the_highest_self_rating():
    outcome = score([Ballot("U1", rating=5), Ballot("U2", rating=1, nominee="U3")])
    assert [c.user_id for c in outcome.candidates] == ["U3", "U1", "U2"]
    assert [c.score for c in outcome.candidates] == [2.0, 1.0, 0.2]
    assert (outcome.recommended, outcome.decider, outcome.reason) == ("U3", "U3", "poll")
    assert outcome_note(outcome) == "Defer to <@U3>."


def test_self_nomination_does_not_count():
    outcome = score([Ballot("U1", rating=2, nominee="U1"), Ballot("U2", rating=3)])
    assert outcome.recommended == "U2"


def test_a_tie_goes_to_the_opener_and_says_so():
    outcome = score([Ballot("U1", nominee="U2"), Ballot("U2", nominee="U1")])
    assert (outcome.recommended, outcome.decider, outcome.reason) == (None, OPENER, "tie")
    assert outcome.tied == ["U1", "U2"]
    assert "Tie between <@U1>, <@U2>: by the tiebreaker rule, <@U0OPENER>" in outcome_note(outcome)


def test_poll_leader_breaks_a_tie_by_fewest_open_decisions():
    ballots = [Ballot("U1", nominee="U2"), Ballot("U2", nominee="U1")]
    outcome = score(ballots, {"U1": 3, "U2": 1}, rule=Tiebreaker.POLL_LEADER)
    assert (outcome.recommended, outcome.decider) == (None, "U2")
    assert "poll leader" in outcome_note(outcome)


def test_too_few_responses_go_to_the_tiebreaker():
    outcome = score([Ballot("U1", rating=5)], minimum=3)
    assert (outcome.decider, outcome.reason) == (OPENER, "too_few")
    assert "Only 1 of the 3 responses needed came in" in outcome_note(outcome)


def test_a_tie_goes_to_the_steward_or_rotation_lead_when_that_is_the_rule():
    tie = [Ballot("U1", 4), Ballot("U2", 4)]
    by_steward = score_ballots(
        tie, {}, min_responses=1, tiebreaker=Tiebreaker.STEWARD, opener=OPENER, steward="U9"
    )
    assert (by_steward.decider, by_steward.reason) == ("U9", "tie")
    assert "<@U9> (the steward) decides" in outcome_note(by_steward)
    by_lead = score_ballots(
        tie,
        {},
        min_responses=1,
        tiebreaker=Tiebreaker.ROTATION_LEAD,
        opener=OPENER,
        rotation_lead="U7",
    )
    assert by_lead.decider == "U7" and "current rotation lead" in outcome_note(by_lead)


def test_rules_with_nobody_to_ask_fall_back_to_the_opener_and_say_why():
    outcome = score([], rule=Tiebreaker.STEWARD)
    assert (outcome.decider, outcome.reason) == (OPENER, "no_candidates")
    assert "there is no steward to ask" in outcome_note(outcome)


VOTERS = [f"U{n}" for n in range(8)]
ballots_strategy = st.lists(
    st.builds(
        Ballot,
        voter=st.sampled_from(VOTERS),
        rating=st.none() | st.integers(1, 5),
        nominee=st.none() | st.sampled_from(VOTERS),
    ),
    max_size=12,
    unique_by=lambda b: b.voter,
)


@given(ballots_strategy, st.integers(1, 5), st.sampled_from(list(Tiebreaker)))
def test_the_recommendation_always_has_votes_or_nominations(ballots, minimum, rule):
    outcome = score(ballots, minimum=minimum, rule=rule)
    supported = {b.voter for b in ballots if b.rating} | {
        b.nominee for b in ballots if b.nominee and b.nominee != b.voter
    }
    assert outcome.recommended is None or outcome.recommended in supported
    assert outcome.decider in supported | {OPENER}
    if outcome.recommended:  # a recommendation is a sole leader with enough responses
        scores = [c.score for c in outcome.candidates]
        assert scores.count(scores[0]) == 1 and outcome.responses >= minimum


@given(ballots_strategy)
def test_anonymous_results_name_only_candidates_and_show_no_ratings(ballots):
    # Anonymous polls cannot attribute a self-rating to anyone but a nominee.
    nominees = {b.nominee for b in ballots if b.nominee}
    anonymised = [
        Ballot(b.voter if b.voter in nominees else None, b.rating, b.nominee) for b in ballots
    ]
    outcome = score(anonymised)
    text = json.dumps([b.to_dict() for b in build_poll_result(outcome, True, poll_id=1, title="t")])
    named = {c.user_id for c in outcome.candidates} | {OPENER}
    for voter in set(VOTERS) - named:
        assert f"<@{voter}>" not in text
    assert "self-rated" not in text and "score " not in text and "/5" not in text


def test_closing_times():
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 10:00 in Berlin
    assert when.resolve(when.parse("30m"), now) == now + timedelta(minutes=30)
    assert when.resolve(when.parse("2 h"), now) == now + timedelta(hours=2)
    tomorrow = when.resolve(when.parse("tomorrow 10:00"), now, "Europe/Berlin")
    assert tomorrow == datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    assert when.resolve(when.parse("09:30"), now, "America/New_York") == datetime(
        2026, 11, 23, 14, 30, tzinfo=UTC
    )
    for bad in ("soon", "25:00", "tomorrow", "-1h"):
        with pytest.raises(InvalidInput):
            when.parse(bad)
    for too in ("1m", "15d"):
        with pytest.raises(InvalidInput):
            when.resolve(when.parse(too), now)


def open_poll(sessions, clock, anonymous):
    declaration = decisions.Declaration(title="Pick the queue", channel_id="C1")
    with sessions.begin() as session:
        decision, _ = decisions.open_decision(
            session,
            team_id="T1",
            declaration=declaration,
            actor_id="U1",
            origin_key="o",
            now=clock.now(),
        )
        options = poll_service.PollOptions(clock.now() + timedelta(hours=1), anonymous)
        poll, _ = poll_service.start_poll(
            session,
            team_id="T1",
            decision_id=decision.id,
            opened_by="U1",
            options=options,
            origin_key="p",
            now=clock.now(),
        )
    return poll.id


def test_anonymous_ballots_cannot_be_tied_to_people_after_closing(sessions, clock):
    poll_id = open_poll(sessions, clock, anonymous=True)
    with sessions.begin() as session:
        for voter, rating, nominee in [("U2", 4, "U3"), ("U3", 5, None), ("U4", 2, "U3")]:
            poll_service.cast_vote(
                session,
                team_id="T1",
                poll_id=poll_id,
                user_id=voter,
                now=clock.now(),
                rating=rating,
                nominee=nominee,
            )
    with sessions.begin() as session:
        poll, changed = poll_service.close_poll(
            session, team_id="T1", poll_id=poll_id, now=clock.now()
        )
    with sessions() as session:
        keys = set(session.scalars(select(PollVote.voter_key)))
    assert changed and poll.salt is None
    assert not keys & {"U2", "U3", "U4"}
    outcome = poll_service.outcome_of(poll)
    assert outcome.recommended == "U3"
    assert outcome.candidates[0].self_rating == 5  # attributed to the nominee before the salt went
    with sessions.begin() as session, pytest.raises(NotAllowed):
        poll_service.cast_vote(
            session, team_id="T1", poll_id=poll_id, user_id="U5", now=clock.now(), rating=3
        )


def test_closing_is_compare_and_set_and_other_teams_see_nothing(sessions, clock):
    poll_id = open_poll(sessions, clock, anonymous=False)
    with sessions.begin() as session:
        assert poll_service.close_poll(session, team_id="T1", poll_id=poll_id, now=clock.now())[1]
    with sessions.begin() as session:
        assert not poll_service.close_poll(session, team_id="T1", poll_id=poll_id, now=clock.now())[
            1
        ]
    with sessions() as session, pytest.raises(Exception, match="does not exist"):
        poll_service.get_poll(session, "T2", poll_id)


def test_steward_and_rotation_lead_rules_name_their_person_when_there_is_one():
    person, choice = who_decides(Tiebreaker.STEWARD, "U1", steward="U7")
    assert (person, tiebreaker_words(choice)) == (
        "U7",
        "<@U7> (the steward) decides",
    )
    assert who_decides(Tiebreaker.ROTATION_LEAD, "U1", rotation_lead="U8")[0] == "U8"
    assert who_decides(Tiebreaker.ROTATION_LEAD, "U1")[0] == "U1"


def _ballots_and_scored(sessions, poll_id):
    """(ballot rows, ballots the close scored, ballots it stored) of a closed poll."""
    with sessions() as session:
        poll = poll_service.get_poll(session, "T1", poll_id)
        assert poll.status is PollStatus.CLOSED
        rows = poll_service.response_count(session, "T1", poll_id)
        return rows, poll_service.outcome_of(poll).responses, poll.responses


def test_a_ballot_cast_as_its_poll_closes_is_scored_or_refused(sessions, clock, monkeypatch):
    """The close runs between the ballot's check of the poll and its write. On PostgreSQL the
    ballot holds the poll's row, so the close waits for it and scores it; on SQLite the close
    commits first and the ballot, written after it, is refused. Never a ballot nobody scored."""
    poll_id = open_poll(sessions, clock, anonymous=True)
    with sessions.begin() as session:
        poll_service.cast_vote(
            session, team_id="T1", poll_id=poll_id, user_id="U2", now=clock.now(), rating=3
        )
        salted = poll_service.get_poll(session, "T1", poll_id)  # keeps the salt, in memory
    made = {poll_service.voter_key(salted, voter) for voter in ("U2", "U3")}

    def close_elsewhere():
        with sessions.begin() as session:
            assert poll_service.close_poll(session, team_id="T1", poll_id=poll_id, now=clock.now())[
                1
            ]

    closer = threading.Thread(target=close_elsewhere)
    write = poll_service.upsert

    def upsert_once_the_close_ran(*args, **kwargs):
        closer.start()
        closer.join(timeout=1)  # on PostgreSQL it waits for this transaction instead
        return write(*args, **kwargs)

    monkeypatch.setattr(poll_service, "upsert", upsert_once_the_close_ran)
    refused = False
    try:
        with sessions.begin() as session:
            poll_service.cast_vote(
                session, team_id="T1", poll_id=poll_id, user_id="U3", now=clock.now(), rating=4
            )
    except NotAllowed:
        refused = True
    closer.join(timeout=10)
    assert not closer.is_alive()
    assert _ballots_and_scored(sessions, poll_id) == ((1, 1, 1) if refused else (2, 2, 2))
    assert refused == (sessions.kw["bind"].dialect.name == "sqlite")
    with sessions() as session:  # no ballot kept a key made with the salt
        keys = set(session.scalars(select(PollVote.voter_key)))
        assert len(keys) == (1 if refused else 2) and not keys & made


def test_a_ballot_cast_while_a_close_is_under_way_waits_and_is_refused(sessions, clock):
    poll_id = open_poll(sessions, clock, anonymous=False)
    with sessions.begin() as session:
        poll_service.cast_vote(
            session, team_id="T1", poll_id=poll_id, user_id="U2", now=clock.now(), rating=3
        )
    outcome: list[object] = []

    def cast():
        try:
            with sessions.begin() as session:
                outcome.append(
                    poll_service.cast_vote(
                        session, team_id="T1", poll_id=poll_id, user_id="U3", now=clock.now(),
                        rating=4,
                    )
                )  # fmt: skip
        except NotAllowed as refusal:
            outcome.append(refusal)

    with sessions.begin() as session:
        assert poll_service.close_poll(session, team_id="T1", poll_id=poll_id, now=clock.now())[1]
        voter = threading.Thread(target=cast)
        voter.start()
        voter.join(timeout=0.5)
        assert voter.is_alive()  # waiting for the close to commit
    voter.join(timeout=10)
    assert len(outcome) == 1 and isinstance(outcome[0], NotAllowed)
    assert _ballots_and_scored(sessions, poll_id) == (1, 1, 1)
