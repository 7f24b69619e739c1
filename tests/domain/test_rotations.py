"""Rotation arithmetic: turns by local day, skips, swaps, away periods, DST, handoffs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.domain import rotations
from app.domain.clock import ManualClock
from app.domain.errors import InvalidInput
from app.domain.rotations import Change, Plan

A, B, C = "UA", "UB", "UC"
MONDAY = date(2027, 3, 1)


def plan(*changes: Change, days: int = 14) -> Plan:
    return Plan(members=(A, B, C), start=MONDAY, period_days=days, changes=changes)


def test_two_week_turns_cycle_through_the_members_in_order():
    leads = [rotations.lead_on(plan(), MONDAY + timedelta(days=d)) for d in (0, 13, 14, 27, 28, 42)]
    assert leads == [A, A, B, B, C, A]
    assert rotations.next_lead(plan(), MONDAY + timedelta(days=3)) == (B, date(2027, 3, 15))


def test_before_the_start_the_first_lead_is_shown_and_takes_over_on_the_start_day():
    early = MONDAY - timedelta(days=5)
    assert rotations.lead_on(plan(), early) == A
    assert rotations.next_handoff(plan(), early) == MONDAY


def test_a_skip_moves_the_order_on_from_its_day_without_rewriting_the_past():
    skipped = plan(Change("skip", date(2027, 3, 4)))
    assert rotations.lead_on(skipped, date(2027, 3, 3)) == A
    assert rotations.lead_on(skipped, date(2027, 3, 4)) == B
    assert rotations.lead_on(skipped, date(2027, 3, 15)) == C  # the next turn follows on
    assert rotations.latest_change(skipped, date(2027, 3, 5), since=MONDAY) == date(2027, 3, 4)


def test_a_swap_exchanges_turns_from_its_day():
    swapped = plan(Change("swap", date(2027, 3, 2), user=B, other=C))
    assert rotations.lead_on(swapped, date(2027, 3, 20)) == C
    assert rotations.lead_on(swapped, date(2027, 3, 29)) == B


def test_away_passes_over_a_member_until_the_day_they_are_back():
    away = plan(Change("away", date(2027, 3, 10), user=B, until=date(2027, 3, 20)))
    assert rotations.lead_on(away, date(2027, 3, 15)) == C
    assert rotations.lead_on(away, date(2027, 3, 19)) == C
    assert rotations.lead_on(away, date(2027, 3, 20)) == B  # back: their own turn again
    assert rotations.next_lead(away, date(2027, 3, 10)) == (C, date(2027, 3, 15))


def test_everyone_away_keeps_the_scheduled_lead():
    changes = [Change("away", MONDAY, user=u, until=date(2027, 4, 1)) for u in (A, B, C)]
    assert rotations.lead_on(plan(*changes), date(2027, 3, 2)) == A


def test_handoffs_happen_at_local_midnight_across_a_dst_change():
    # Berlin moves to summer time on 28 March 2027; turn two starts Monday 29 March, 00:00 CEST.
    weekly = Plan(members=(A, B), start=date(2027, 3, 22), period_days=7)
    clock = ManualClock(datetime(2027, 3, 28, 21, 59, tzinfo=UTC))  # 23:59 CEST on Sunday
    assert rotations.lead_on(weekly, rotations.local_day(clock.now(), "Europe/Berlin")) == A
    clock.advance(timedelta(minutes=1))  # 00:00 CEST on Monday (22:00 UTC)
    assert rotations.lead_on(weekly, rotations.local_day(clock.now(), "Europe/Berlin")) == B
    clock.set(datetime(2027, 10, 31, 22, 59, tzinfo=UTC))  # 23:59 CET, after the change back
    day = rotations.local_day(clock.now(), "Europe/Berlin")
    assert day == date(2027, 10, 31)
    clock.advance(timedelta(minutes=1))
    assert rotations.local_day(clock.now(), "Europe/Berlin") == date(2027, 11, 1)
    assert rotations.lead_on(weekly, date(2027, 11, 1)) != rotations.lead_on(weekly, day)


def test_weeks_of_days_by_an_injected_clock_change_lead_only_on_turn_boundaries():
    clock = ManualClock(datetime(2027, 3, 1, 12, tzinfo=UTC))
    changes_on = []
    previous = None
    for _ in range(60):
        lead = rotations.lead_on(plan(), rotations.local_day(clock.now(), "America/New_York"))
        if lead != previous:
            changes_on.append(rotations.local_day(clock.now(), "America/New_York"))
        previous = lead
        clock.advance(timedelta(days=1))
    assert changes_on == [MONDAY + timedelta(days=14 * k) for k in range(5)]


def test_latest_change_ignores_changes_before_the_rotation_was_set():
    assert rotations.latest_change(plan(), date(2027, 3, 10), since=MONDAY) is None
    assert rotations.latest_change(plan(), MONDAY, since=MONDAY - timedelta(days=1)) == MONDAY
    assert rotations.latest_change(plan(), date(2027, 3, 20), since=MONDAY) == date(2027, 3, 15)


@pytest.mark.parametrize(
    ("text", "days"), [("1w", 7), ("2w", 14), ("10d", 10), ("26w", 182), ("1d", 1)]
)
def test_periods(text, days):
    assert rotations.parse_every(text) == days


@pytest.mark.parametrize("text", ["0w", "27w", "2x", "w", "-1w", "fortnight", "0d"])
def test_periods_that_make_no_sense_are_refused_with_an_example(text):
    with pytest.raises(InvalidInput, match="every 2w"):
        rotations.parse_every(text)


@pytest.mark.parametrize(
    ("members", "problem"),
    [([], "at least two"), ([A], "at least two"), ([A, B, A], "named twice")],
)
def test_empty_single_and_duplicate_members_are_refused(members, problem):
    with pytest.raises(InvalidInput, match=problem):
        rotations.check_members(members)


def test_a_handoff_is_keyed_by_its_day_or_by_the_adjustment_that_made_it():
    turn_day = MONDAY + timedelta(days=14)
    assert rotations.handoff_on(plan(), turn_day) == rotations.Handoff(turn_day.isoformat(), A, B)
    assert rotations.handoff_on(plan(), MONDAY) == rotations.Handoff(MONDAY.isoformat(), None, A)
    # A skip on the day of the scheduled handoff is a second handoff that day, keyed apart.
    skipped = plan(Change("skip", turn_day))
    assert rotations.handoff_on(skipped, turn_day) == rotations.Handoff(
        f"{turn_day.isoformat()}#1", B, C
    )
    # Away for someone who does not lead changes nothing today; it is still the day's change.
    away = plan(
        Change("skip", turn_day), Change("away", turn_day, A, until=turn_day + timedelta(3))
    )
    handoff = rotations.handoff_on(away, turn_day)
    assert handoff == rotations.Handoff(f"{turn_day.isoformat()}#2", C, C)
    assert not handoff.changed
