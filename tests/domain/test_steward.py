"""app.domain.steward: who the steward is, and anonymous reports that reach them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.db.models import CharterEvent, FeedbackReport
from app.domain import charter, steward
from app.domain.errors import InvalidInput, NotAllowed
from tests.domain.factories import ALICE, BOB, CAROL, T1, T2, rotation


def test_there_is_no_steward_until_one_is_named(sessions, clock):
    with sessions.begin() as session:
        assert steward.current(session, T1, clock.now()) is None
        before = charter.get_or_create(session, T1, clock.now()).version
        named = steward.set_steward(
            session, team_id=T1, actor_id=ALICE, now=clock.now(), user_id=BOB
        )
        assert named.version == before + 1
        assert named.steward_since == clock.now().date().isoformat()
        assert steward.current(session, T1, clock.now()) == BOB
        assert steward.current(session, T2, clock.now()) is None
        [event] = session.scalars(select(CharterEvent).where(CharterEvent.kind == "steward_set"))
        assert event.detail["steward"] == BOB


def test_a_rotating_steward_follows_the_rotation_in_its_time_zone(sessions, clock):
    clock.set(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    with sessions.begin() as session:
        weekly = rotation(session, clock.now(), [BOB, CAROL], tz="Pacific/Auckland")
        steward.set_steward(
            session, team_id=T1, actor_id=ALICE, now=clock.now(), rotation=weekly, every="1w"
        )
        assert steward.current(session, T1, clock.now()) == BOB
        # 11:00 UTC on 30 November is already 1 December in Auckland (UTC+13): Carol's turn.
        assert steward.current(session, T1, clock.now() + timedelta(days=6, hours=23)) == CAROL
        assert steward.current(session, T1, clock.now() + timedelta(days=6)) == BOB


@pytest.mark.parametrize(
    ("since", "review"),
    [
        (date(2026, 2, 10), date(2026, 4, 1)),
        (date(2026, 3, 31), date(2026, 4, 1)),
        (date(2026, 4, 1), date(2026, 7, 1)),
        (date(2026, 10, 1), date(2027, 1, 1)),
        (date(2026, 12, 31), date(2027, 1, 1)),
    ],
)
def test_a_quarterly_steward_is_reviewed_the_first_day_of_the_next_quarter(since, review):
    assert steward.next_review(since) == review


def file_report(session, now, view_id="V1", kind="pressure", text="Told to defer", team=T1):
    return steward.report(
        session, team_id=team, kind=kind, text=text, decision_id=None, view_id=view_id, now=now
    )


def test_a_report_without_a_steward_is_refused_and_not_stored(sessions, clock):
    with sessions.begin() as session:
        with pytest.raises(NotAllowed):
            file_report(session, clock.now())
        assert list(session.scalars(select(FeedbackReport))) == []


def test_a_report_reaches_the_steward_once_per_form(sessions, clock):
    with sessions.begin() as session:
        steward.set_steward(session, team_id=T1, actor_id=ALICE, now=clock.now(), user_id=BOB)
        row, to, created = file_report(session, clock.now(), text="  Told to defer  ")
        assert (to, created, row.text, row.kind) == (BOB, True, "Told to defer", "pressure")
        again, _, created = file_report(session, clock.now())
        assert not created and again.id == row.id
        other, _, created = file_report(session, clock.now(), view_id="V2")
        assert created and other.id != row.id


@pytest.mark.parametrize(
    ("kind", "text", "field"),
    [("gossip", "x", "kind"), ("pressure", "   ", "text"), ("pressure", "x" * 2001, "text")],
)
def test_bad_reports_name_their_field(sessions, clock, kind, text, field):
    with sessions.begin() as session:
        steward.set_steward(session, team_id=T1, actor_id=ALICE, now=clock.now(), user_id=BOB)
        with pytest.raises(InvalidInput) as refused:
            file_report(session, clock.now(), kind=kind, text=text)
        assert set(refused.value.errors) == {field}


def test_a_report_row_holds_nothing_about_a_person_or_a_time():
    columns = {c.key for c in FeedbackReport.__table__.columns}
    assert columns <= {"id", "team_id", "kind", "text", "decision_id", "dedupe_key"}
