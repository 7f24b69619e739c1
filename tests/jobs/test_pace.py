"""Client-side pacing of scheduled posts: the token bucket, on an injected clock (no sleeps)."""

from __future__ import annotations

import itertools

import pytest

from app.posting.pace import Pacer, TeamPacers


class FakeTime:
    """A clock that only moves when the pacer sleeps (or the test says so)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_posts_are_spaced_at_the_rate():
    t = FakeTime()
    pacer = Pacer(rate=4, clock=t.clock, sleep=t.sleep)
    at = []
    for _ in range(5):
        pacer.wait()
        at.append(t.now - 1000.0)
    assert at == pytest.approx([0.0, 0.25, 0.5, 0.75, 1.0])


def test_a_burst_passes_at_once_then_the_rate_holds():
    t = FakeTime()
    pacer = Pacer(rate=10, burst=3, clock=t.clock, sleep=t.sleep)
    delays = [pacer.reserve() for _ in range(5)]  # five threads arriving together
    assert delays == pytest.approx([0.0, 0.0, 0.0, 0.1, 0.2])


def test_concurrent_reservations_never_exceed_the_rate_over_any_window():
    t = FakeTime()
    pacer = Pacer(rate=100, clock=t.clock, sleep=t.sleep)
    starts = sorted(t.now + pacer.reserve() for _ in range(1000))  # 1,000 at the same instant
    assert starts[-1] - starts[0] == pytest.approx(9.99)
    assert all(b - a == pytest.approx(0.01) for a, b in itertools.pairwise(starts))


def test_an_idle_pacer_does_not_save_up_more_than_its_burst():
    t = FakeTime()
    pacer = Pacer(rate=2, burst=2, clock=t.clock, sleep=t.sleep)
    pacer.wait()
    t.now += 60  # a quiet minute
    assert [pacer.reserve() for _ in range(3)] == pytest.approx([0.0, 0.0, 0.5])


def test_each_workspace_has_its_own_budget():
    t = FakeTime()
    pacers = TeamPacers(1, clock=t.clock, sleep=t.sleep)
    assert pacers.for_team("T1").reserve() == 0.0
    assert pacers.for_team("T2").reserve() == 0.0
    assert pacers.for_team("T1").reserve() == pytest.approx(1.0)
    assert pacers.for_team("T1") is pacers.for_team("T1")


def test_nonsense_rates_are_refused():
    with pytest.raises(ValueError):
        Pacer(0)
    with pytest.raises(ValueError):
        Pacer(1, burst=0)
