"""app.domain.retros: what a retrospective covers, and answers shown only once three answered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.db.models import RetroAnswer, RetroRespondent
from app.domain import ledger, retros
from app.domain.errors import InvalidInput, NotFound
from tests.domain.factories import ALICE, BOB, CAROL, DAN, T1, T2, decide, open_decision


def test_decided_between_is_this_channels_decisions_in_a_half_open_window(sessions, clock):
    start = clock.now()
    until = start + timedelta(days=14)
    with sessions.begin() as session:
        first = decide(session, open_decision(session, start, title="first"), start)
        second = decide(session, open_decision(session, start, title="mid"), start + timedelta(1))
        decide(session, open_decision(session, start, title="at until"), until)
        decide(session, open_decision(session, start, channel="C2"), start + timedelta(2))
        decide(session, open_decision(session, start, team=T2), start + timedelta(2))
        open_decision(session, start, title="still open")
    with sessions() as session:
        assert [d.id for d in retros.decided_between(session, T1, "C1", start, until)] == [
            first.id,
            second.id,
        ]
        later = start + timedelta(hours=1)
        assert [d.title for d in retros.decided_between(session, T1, "C1", later, until)] == ["mid"]
        assert len(retros.decided_between(session, T1, "C1", None, until + timedelta(1))) == 3


# The fixed test clock's time: answers arrive as the retro is posted, while its key is alive.
CLOSE_TO_THE_POST = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def retro(sessions, clock) -> int:
    with sessions.begin() as session:
        return ledger.claim(
            session,
            team_id=T1,
            kind=retros.KIND,
            subject="C1",
            occurrence="2026-11-27T15:00:00+00:00",
            now=clock.now(),
        )


def answer(sessions, post_id, user, view_id, team=T1, **answers):
    with sessions.begin() as session:
        return retros.add_answers(
            session,
            team_id=team,
            post_id=post_id,
            answers=answers,
            view_id=view_id,
            respondent_id=user,
            now=CLOSE_TO_THE_POST,
        )


def visible(sessions, post_id):
    with sessions() as session:
        return retros.visible_answers(session, T1, post_id)


def test_answers_stay_hidden_until_three_different_people_answered(sessions, retro):
    assert answer(sessions, retro, ALICE, "V1", overlooked="Nobody asked QA") == 1
    assert answer(sessions, retro, ALICE, "V2", pressured="A little") == 1
    assert answer(sessions, retro, ALICE, "V3", pressured="Yes, by the deadline") == 1
    assert visible(sessions, retro) is None  # one person three times unlocks nothing
    answer(sessions, retro, BOB, "V4", overlooked="Design was skipped", pressured="  ")
    assert visible(sessions, retro) is None
    answer(sessions, retro, CAROL, "V5", pressured="No")
    assert visible(sessions, retro) == [
        ("overlooked", "Design was skipped"),
        ("overlooked", "Nobody asked QA"),
        ("pressured", "A little"),
        ("pressured", "No"),
        ("pressured", "Yes, by the deadline"),
    ]


def test_the_same_form_delivered_twice_is_stored_once(sessions, retro):
    assert answer(sessions, retro, DAN, "V1", overlooked="x", pressured="y") == 2
    assert answer(sessions, retro, DAN, "V1", overlooked="x", pressured="y") == 0
    with sessions() as session:
        assert len(list(session.scalars(select(RetroAnswer)))) == 2
        assert retros.respondent_count(session, T1, retro) == 1


def test_nothing_links_an_answer_to_its_author(sessions, retro):
    answer(sessions, retro, DAN, "V1", overlooked="x")
    with sessions() as session:
        [row] = session.scalars(select(RetroAnswer))
        [respondent] = session.scalars(select(RetroRespondent))
    stored = " ".join(str(getattr(row, c.key)) for c in RetroAnswer.__table__.columns)
    assert DAN not in stored and "V1" not in stored
    assert DAN not in respondent.respondent_key


def test_empty_unknown_and_overlong_answers_are_refused(sessions, retro):
    with pytest.raises(InvalidInput):
        answer(sessions, retro, DAN, "V1", overlooked=" \n ", unknown="ignored")
    with pytest.raises(InvalidInput) as refused:
        answer(sessions, retro, DAN, "V2", pressured="x" * (retros.ANSWER_MAX + 1))
    assert set(refused.value.errors) == {"pressured"}
    with sessions() as session:
        assert retros.respondent_count(session, T1, retro) == 0


def test_a_retrospective_of_another_team_is_not_found(sessions, retro):
    with pytest.raises(NotFound):
        answer(sessions, retro, DAN, "V1", team=T2, overlooked="x")
