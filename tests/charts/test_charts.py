"""Charts are real PNGs of a sensible size, with or without data."""

from __future__ import annotations

import struct
from datetime import date

import pytest

from app import charts

PNG = b"\x89PNG\r\n\x1a\n"


def size(png: bytes) -> tuple[int, int]:
    assert png[:8] == PNG, "not a PNG"
    assert png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


WEEKS = [(date(2026, 11, 2), 5.5, 3), (date(2026, 11, 9), 2.0, 6), (date(2026, 11, 16), 8.25, 2)]
DECIDERS = [("alice", 9), ("bob", 4), ("carol", 1)]
OUTCOMES = {"expertise": {"worked": 4, "mixed": 1}, "not stated": {"not reviewed": 3}}


@pytest.mark.parametrize(
    ("draw", "data"),
    [
        (charts.velocity_chart, WEEKS),
        (charts.deciders_chart, DECIDERS),
        (charts.outcomes_chart, OUTCOMES),
        (charts.velocity_chart, []),
        (charts.deciders_chart, []),
        (charts.outcomes_chart, {}),
    ],
)
def test_each_chart_is_an_800_by_450_png(draw, data):
    png = draw(data, "#platform")
    assert size(png) == (800, 450)
    assert 5_000 < len(png) < 500_000


def test_charts_differ_with_their_data():
    assert charts.deciders_chart(DECIDERS, "x") != charts.deciders_chart(DECIDERS[:1], "x")
