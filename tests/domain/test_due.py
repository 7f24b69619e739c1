"""app.domain.due: where a simulated clock must stop, and where a restarted one resumes."""

from __future__ import annotations

from datetime import timedelta

from app.domain import channel_schedules, due
from app.domain.schedules import Recurrence
from tests.domain.factories import T1, T2, decide, open_decision

# 2026-11-23 is a Monday; the clock fixture says 09:00 UTC (10:00 in Berlin).
CHECKIN = Recurrence(9, 30, (0, 1, 2, 3, 4), "Europe/Berlin")


def test_next_due_walks_a_week_of_check_ins_one_weekday_at_a_time(sessions, clock):
    now = clock.now()
    with sessions.begin() as session:
        channel_schedules.put(
            session,
            team_id=T1,
            channel_id="C1",
            kind=channel_schedules.CHECKIN,
            rec=CHECKIN,
            actor_id="U1",
            now=now,
        )
    friday_evening = now + timedelta(days=4, hours=7)
    stops = []
    with sessions() as session:
        moment = now
        while (moment := due.next_due(session, moment, friday_evening)) is not None:
            stops.append(moment.isoformat())
    # 09:30 Berlin is 08:30 UTC in winter: Tuesday to Friday, each on its own slot.
    assert stops == [f"2026-11-{day}T08:30:00+00:00" for day in (24, 25, 26, 27)]


def test_next_due_stops_at_deadlines_across_teams_and_nothing_beyond_until(sessions, clock):
    now = clock.now()
    with sessions.begin() as session:
        open_decision(session, now, deadline=now + timedelta(hours=5))
        open_decision(session, now, team=T2, deadline=now + timedelta(hours=3))
    with sessions() as session:
        assert due.next_due(session, now, now + timedelta(days=1)) == now + timedelta(hours=3)
        assert due.next_due(session, now, now + timedelta(hours=2)) is None


def test_latest_recorded_is_the_last_thing_that_happened(sessions, clock):
    with sessions() as session:
        assert due.latest_recorded(session) is None
    later = clock.now() + timedelta(days=9)
    with sessions.begin() as session:
        open_decision(session, clock.now())
        open_decision(session, later)
    with sessions() as session:
        assert due.latest_recorded(session) == later


def test_next_due_stops_when_an_outcome_review_falls_due(sessions, clock):
    now = clock.now()
    with sessions.begin() as session:
        decision = open_decision(session, now)
        decide(session, decision, now)
    with sessions() as session:
        assert due.next_due(session, now, now + timedelta(days=30)) is None
        assert due.next_due(session, now, now + timedelta(days=30), 14) == now + timedelta(days=14)
        assert due.next_due(session, now + timedelta(days=14), now + timedelta(days=30), 14) is None
