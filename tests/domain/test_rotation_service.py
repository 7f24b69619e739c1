"""app.domain.rotation_service: rotations in the database, who leads in which time zone,
adjustments, and handing open rotating decisions to the next lead."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.db.models import CharterEvent
from app.domain import rotation_service, rotations
from app.domain.errors import InvalidInput, NotFound
from app.vocabulary import Framework
from tests.domain.factories import ALICE, BOB, CAROL, DAN, T1, T2, open_decision, rotation

# A Monday evening in UTC: already Tuesday in Berlin, still Monday in Los Angeles.
EVENING = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)


@pytest.mark.parametrize("name", ["On Call", "-oncall", "", "x" * 41, "on.call"])
def test_rotation_names_are_short_lowercase_words(name):
    with pytest.raises(InvalidInput):
        rotation_service.check_name(name)


def test_a_name_is_trimmed_and_lowercased():
    assert rotation_service.check_name("  OnCall_2 ") == "oncall_2"


def test_a_rotation_starts_on_todays_date_where_it_lives(sessions, clock):
    clock.set(EVENING)
    with sessions.begin() as session:
        berlin = rotation(session, clock.now(), [ALICE, BOB], name="berlin", tz="Europe/Berlin")
        la = rotation(session, clock.now(), [ALICE, BOB], name="la", tz="America/Los_Angeles")
        assert (berlin.start_date, la.start_date) == ("2026-11-24", "2026-11-23")


def test_putting_a_rotation_again_redefines_it_and_logs_each_change(sessions, clock):
    with sessions.begin() as session:
        first, created = rotation_service.put(
            session,
            team_id=T1,
            channel_id="C1",
            name="OnCall",
            members=[ALICE, BOB],
            period_days=7,
            start=None,
            tz="UTC",
            actor_id=ALICE,
            now=clock.now(),
        )
        assert created and first.name == "oncall"
        again, created = rotation_service.put(
            session,
            team_id=T1,
            channel_id="C1",
            name="oncall",
            members=[CAROL, DAN, ALICE],
            period_days=14,
            start=date(2026, 12, 1),
            tz="UTC",
            actor_id=BOB,
            now=clock.now(),
        )
        assert not created and again.id == first.id
        assert (again.members, again.period_days, again.start_date) == (
            [CAROL, DAN, ALICE],
            14,
            "2026-12-01",
        )
        kinds = session.scalars(select(CharterEvent.kind).where(CharterEvent.team_id == T1))
        assert list(kinds) == ["rotation_set", "rotation_set"]


def test_the_lead_hands_over_each_period_at_local_midnight(sessions, clock):
    clock.set(EVENING)
    with sessions.begin() as session:
        berlin = rotation(session, clock.now(), [ALICE, BOB], name="b", tz="Europe/Berlin")
        utc = rotation(session, clock.now(), [ALICE, BOB], name="u", tz="UTC")
        week_on = clock.now() + timedelta(days=7)
        assert rotation_service.lead_now(session, berlin, clock.now()) == ALICE
        assert rotation_service.lead_now(session, utc, week_on) == BOB
        # Berlin's rotation began on Tuesday 24th (local), so Bob takes over at Berlin's
        # midnight, 23:00 UTC on Monday 30th; the UTC one began Monday 23rd, a day earlier.
        assert rotation_service.lead_now(session, berlin, week_on) == BOB
        assert rotation_service.lead_now(session, berlin, week_on - timedelta(hours=1)) == ALICE
        assert rotation_service.lead_now(session, berlin, week_on - timedelta(hours=23)) == ALICE
        assert rotation_service.lead_now(session, utc, week_on - timedelta(hours=23)) == BOB


def test_rotations_are_found_by_name_channel_and_team(sessions, clock):
    with sessions.begin() as session:
        first = rotation(session, clock.now(), [ALICE, BOB], name="oncall")
        rotation(session, clock.now(), [CAROL, DAN], name="design", channel="C2")
        rotation(session, clock.now(), [CAROL, DAN], name="oncall", team=T2)
        assert rotation_service.get(session, T1, "C1", " OnCall ").id == first.id
        with pytest.raises(NotFound) as missing:
            rotation_service.get(session, T1, "C1", "design")
        assert "`oncall`" in str(missing.value)
        assert rotation_service.find_by_id(session, T2, first.id) is None
        assert [r.name for r in rotation_service.in_team(session, T1)] == ["design", "oncall"]
        assert rotation_service.channel_lead(session, T1, "C2", clock.now()) == CAROL
        assert rotation_service.channel_lead(session, T1, "C3", clock.now()) is None


def test_skip_swap_and_away_change_who_leads_today(sessions, clock):
    with sessions.begin() as session:
        row = rotation(session, clock.now(), [ALICE, BOB, CAROL])

        def adjust(kind, **people):
            return rotation_service.adjust(
                session, row, kind=kind, actor_id=ALICE, now=clock.now(), **people
            )

        assert adjust("skip") == BOB
        assert adjust("swap", user=BOB, other=CAROL) == CAROL
        assert adjust("away", user=CAROL, until=date(2026, 11, 30)) == BOB
        assert rotation_service.lead_now(session, row, clock.now() + timedelta(days=7)) == BOB


@pytest.mark.parametrize(
    ("kind", "people"),
    [
        ("swap", {"user": ALICE, "other": DAN}),
        ("swap", {"user": BOB, "other": BOB}),
        ("away", {"user": BOB, "until": date(2026, 11, 23)}),
        ("away", {"user": BOB}),
    ],
)
def test_adjustments_that_make_no_sense_are_refused(sessions, clock, kind, people):
    with sessions.begin() as session:
        row = rotation(session, clock.now(), [ALICE, BOB, CAROL])
        with pytest.raises(InvalidInput):
            rotation_service.adjust(
                session, row, kind=kind, actor_id=ALICE, now=clock.now(), **people
            )
        assert rotation_service.lead_now(session, row, clock.now()) == ALICE


def test_a_handoff_is_due_on_the_day_the_lead_changed(sessions, clock):
    with sessions.begin() as session:
        row = rotation(session, clock.now(), [ALICE, BOB])
        assert rotation_service.due_handoffs(session, clock.now()) == []
        later = clock.now() + timedelta(days=8)
        assert rotation_service.due_handoffs(session, later) == [(T1, row.id, date(2026, 11, 30))]


def test_the_outgoing_leads_rotating_decisions_pass_to_the_incoming_lead_once(sessions, clock):
    now = clock.now()
    with sessions.begin() as session:
        row = rotation(session, now, [ALICE, BOB])
        held = open_decision(session, now, decider=ALICE, framework=Framework.ROTATING)
        personal = open_decision(session, now, decider=ALICE, framework=Framework.EXPERTISE)
        others = open_decision(session, now, decider=CAROL, framework=Framework.ROTATING)
        elsewhere = open_decision(
            session, now, decider=ALICE, framework=Framework.ROTATING, channel="C9"
        )
        assert [d.id for d in rotation_service.held_by(session, row, ALICE)] == [held.id]
        day = date(2026, 11, 30)
        rotation_service.inherit(session, row, day, ALICE, BOB, now)
        assert [d.decider_id for d in (held, personal, others, elsewhere)] == [
            BOB,
            ALICE,
            CAROL,
            ALICE,
        ]
        assert held.deferred_by is None  # the rotation chose, not Alice
        held.decider_id = ALICE  # handed back by hand; the same handoff must not run again
        rotation_service.inherit(session, row, day, ALICE, BOB, now)
        assert held.decider_id == ALICE
        rotation_service.inherit(session, row, day, None, BOB, now)
        assert held.decider_id == ALICE


def test_an_adjustment_hands_rotating_decisions_over_at_once_and_one_rotation_needs_no_name(
    sessions, clock
):
    now = clock.now()
    with sessions.begin() as session:
        row = rotation(session, now, [ALICE, BOB, CAROL])
        held = open_decision(session, now, decider=ALICE, framework=Framework.ROTATING)
        assert rotation_service.get_or_only(session, T1, row.channel_id, None).id == row.id
        adjusted = rotation_service.adjust_now(session, row, kind="skip", actor_id=DAN, now=now)
        assert adjusted.handoff.outgoing == ALICE and adjusted.handoff.incoming == BOB
        assert adjusted.handoff.occurrence.endswith("#1")
        assert held.decider_id == BOB  # the same moment, not at the next sweep
        kept = rotation_service.adjust_now(
            session,
            row,
            kind="away",
            actor_id=DAN,
            now=now,
            user=CAROL,
            until=rotations.local_day(now, row.tz) + timedelta(days=3),
        )
        assert not kept.handoff.changed and held.decider_id == BOB
        rotation(session, now, [ALICE, BOB], name="design")
        with pytest.raises(InvalidInput, match="several rotations"):
            rotation_service.get_or_only(session, T1, row.channel_id, None)
        with pytest.raises(NotFound, match="no rotations"):
            rotation_service.get_or_only(session, T1, "C9", None)
