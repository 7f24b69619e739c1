"""Retro answers and reports: keyed while open, and nothing keyed (or ordered) once closed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.db.models import AnonymityKey, FeedbackReport, RetroAnswer, RetroRespondent
from app.domain import anonymity, ledger, retros, steward
from app.domain.errors import NotAllowed

TEAM = "T0001"


@pytest.fixture
def post_id(sessions, clock) -> int:
    with sessions.begin() as session:
        post = ledger.claim(
            session, team_id=TEAM, kind=retros.KIND, subject="C1", occurrence="x", now=clock.now()
        )
    assert post is not None
    return post


def answer(sessions, clock, post_id: int, user: str, view: str, text: str) -> int:
    with sessions.begin() as session:
        return retros.add_answers(
            session,
            team_id=TEAM,
            post_id=post_id,
            answers={"pressured": text},
            view_id=view,
            respondent_id=user,
            now=clock.now(),
        )


def test_a_retro_counts_people_once_and_forgets_them_when_it_closes(sessions, clock, post_id):
    assert answer(sessions, clock, post_id, "U1", "V1", "one") == 1
    assert answer(sessions, clock, post_id, "U1", "V1", "one") == 0, "a redelivery"
    assert answer(sessions, clock, post_id, "U1", "V2", "again") == 1
    assert answer(sessions, clock, post_id, "U2", "V3", "two") == 1
    with sessions() as session:
        assert retros.visible_answers(session, TEAM, post_id) is None, "two people: hidden"
        ids_before = set(session.scalars(select(RetroAnswer.id)))
    answer(sessions, clock, post_id, "U3", "V4", "three")
    clock.advance(retros.OPEN_FOR)
    assert anonymity.destroy_expired(sessions, clock.now()) == 1
    with sessions() as session:
        assert session.scalars(select(AnonymityKey)).all() == []
        assert set(session.scalars(select(RetroAnswer.dedupe_key))) == {None}
        assert set(session.scalars(select(RetroRespondent.respondent_key))) == {None}
        assert not ids_before & set(session.scalars(select(RetroAnswer.id))), "ids drawn anew"
        visible = retros.visible_answers(session, TEAM, post_id)
    assert visible is not None and sorted(t for _, t in visible) == ["again", "one", "three", "two"]
    with pytest.raises(NotAllowed):
        answer(sessions, clock, post_id, "U4", "V5", "late")


def test_report_keys_last_one_window(sessions, clock):
    with sessions.begin() as session:
        steward.set_steward(session, team_id=TEAM, actor_id="U0", now=clock.now(), user_id="U9")

    def report(view: str) -> bool:
        with sessions.begin() as session:
            _row, _to, created = steward.report(
                session,
                team_id=TEAM,
                kind="pressure",
                text="told",
                decision_id=None,
                view_id=view,
                now=clock.now(),
            )
        return created

    assert report("V1") and not report("V1")
    clock.advance(steward.REPORT_WINDOW + timedelta(seconds=1))
    assert report("V2"), "a new window: the old key is destroyed first"
    with sessions() as session:
        keys = list(session.scalars(select(FeedbackReport.dedupe_key)))
    assert sorted(k is None for k in keys) == [False, True], "the first window's key is erased"
