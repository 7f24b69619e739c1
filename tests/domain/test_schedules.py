"""Recurring local times, across the Europe/Berlin DST changes of 2026-10-25 and 2027-03-28."""

from datetime import UTC, date, datetime

import pytest

from app.domain.errors import InvalidInput
from app.domain.schedules import (
    Recurrence,
    latest_occurrence,
    next_occurrence,
    parse_every,
    parse_time,
    parse_tz,
    parse_weekdays,
    previous_occurrence,
)

BERLIN = Recurrence(9, 30, (0, 1, 2, 3, 4), "Europe/Berlin")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("09:30", (9, 30)), ("9:05", (9, 5)), ("23:59", (23, 59)), ("7.45", (7, 45))],
)
def test_times(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["24:00", "09:60", "nine", "09:3"])
def test_bad_times_say_what_works(text):
    with pytest.raises(InvalidInput, match="09:30"):
        parse_time(text)


@pytest.mark.parametrize(
    ("text", "meant"),
    [("9am", "09:00"), ("9", "09:00"), ("4.30pm", "16:30"), ("12am", "00:00"), ("930", "09:30")],
)
def test_times_people_say_get_the_24_hour_time_suggested(text, meant):
    with pytest.raises(InvalidInput, match=f"did you mean `{meant}`"):
        parse_time(text)


def test_misspelt_zones_and_days_get_suggestions():
    with pytest.raises(InvalidInput, match="did you mean `Europe/Berlin`"):
        parse_tz("Europe/Berln")
    with pytest.raises(InvalidInput, match="such as `Europe/Berlin`"):
        parse_tz("Mars/Olympus")
    with pytest.raises(InvalidInput, match="did you mean `fri`"):
        parse_weekdays("mon-fir")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mon-fri", (0, 1, 2, 3, 4)),
        ("weekdays", (0, 1, 2, 3, 4)),
        ("daily", tuple(range(7))),
        ("mon,wed,fri", (0, 2, 4)),
        ("Friday", (4,)),
        ("sat-mon", (0, 5, 6)),
    ],
)
def test_weekdays(text, expected):
    assert parse_weekdays(text) == expected


@pytest.mark.parametrize("text", ["funday", "mon-", "mon,,fri", "1-5"])
def test_bad_weekdays(text):
    with pytest.raises(InvalidInput, match="mon-fri"):
        parse_weekdays(text)


def test_time_zones_and_every():
    assert parse_tz("Europe/Berlin") == "Europe/Berlin"
    with pytest.raises(InvalidInput, match="Europe/Berlin"):
        parse_tz("Mars/Olympus")
    with pytest.raises(InvalidInput):
        parse_tz("../etc/passwd")
    assert [parse_every(t) for t in ("1w", "2w", "4w")] == [1, 2, 4]
    with pytest.raises(InvalidInput, match="2w"):
        parse_every("3w")


def test_berlin_0930_is_0830_utc_in_winter_and_0730_in_summer():
    # 2027-03-26 is a Friday (winter), 2027-03-28 the Sunday clocks go forward, 29th Monday.
    assert latest_occurrence(BERLIN, utc(2027, 3, 26, 12)) == utc(2027, 3, 26, 8, 30)
    assert next_occurrence(BERLIN, utc(2027, 3, 26, 12)) == utc(2027, 3, 29, 7, 30)
    assert latest_occurrence(BERLIN, utc(2027, 3, 29, 7, 29)) == utc(2027, 3, 26, 8, 30)
    assert latest_occurrence(BERLIN, utc(2027, 3, 29, 7, 30)) == utc(2027, 3, 29, 7, 30)
    # And back: 2026-10-25 (Sunday) clocks go back; Friday the 23rd is summer, Monday winter.
    assert latest_occurrence(BERLIN, utc(2026, 10, 23, 9)) == utc(2026, 10, 23, 7, 30)
    assert next_occurrence(BERLIN, utc(2026, 10, 23, 9)) == utc(2026, 10, 26, 8, 30)
    assert previous_occurrence(BERLIN, utc(2026, 10, 26, 8, 30)) == utc(2026, 10, 23, 7, 30)


def test_a_time_that_does_not_exist_or_repeats_on_a_dst_day_still_fires_once():
    night = Recurrence(2, 30, tuple(range(7)), "Europe/Berlin")
    # 02:30 does not exist on 2027-03-28: read as 01:30 UTC (03:30 summer time).
    assert next_occurrence(night, utc(2027, 3, 27, 12)) == utc(2027, 3, 28, 1, 30)
    # 02:30 happens twice on 2026-10-25: the first one (summer time) counts.
    assert next_occurrence(night, utc(2026, 10, 24, 12)) == utc(2026, 10, 25, 0, 30)
    assert next_occurrence(night, utc(2026, 10, 25, 0, 30)) == utc(2026, 10, 26, 1, 30)


def test_every_two_weeks_counts_from_the_anchor_week():
    retro = Recurrence(16, 0, (4,), "Europe/Berlin", every_weeks=2, anchor=date(2026, 11, 23))
    assert next_occurrence(retro, utc(2026, 11, 23)) == utc(2026, 11, 27, 15)
    assert next_occurrence(retro, utc(2026, 11, 28)) == utc(2026, 12, 11, 15)
    assert latest_occurrence(retro, utc(2026, 12, 10)) == utc(2026, 11, 27, 15)


def test_nothing_before_a_schedule_has_any_slot():
    sundays = Recurrence(9, 0, (6,), "UTC")
    assert latest_occurrence(sundays, utc(2026, 11, 22, 8, 59)) == utc(2026, 11, 15, 9)
    assert next_occurrence(sundays, utc(2026, 11, 22, 9)) == utc(2026, 11, 29, 9)
