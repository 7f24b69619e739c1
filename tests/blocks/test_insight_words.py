"""Words of the insight figures that people read: counts of people read as English."""

from __future__ import annotations

from app.blocks.insight import participation_lines
from app.domain.participation import Participation, Voice


def test_too_little_participation_counts_people_as_people():
    few = Participation(
        asks=1,
        voices=[Voice(f"U{n}", 1, 1) for n in range(5)],
        anonymous_polls=0,
        anonymous_ballots=0,
    )
    one = Participation(asks=2, voices=[Voice("U1", 1, 2)], anonymous_polls=0, anonymous_ballots=0)
    assert "this period has 1 and 5 people taking part." in participation_lines(few)[0]
    assert "this period has 2 and 1 person taking part." in participation_lines(one)[0]
