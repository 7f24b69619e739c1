"""Calibration summed by the database: the figures are those worked out one forecast at a time,
and the sums, grouped by bin, still keep every unshared forecast out of everyone else's view."""

from __future__ import annotations

import random
from datetime import timedelta
from fractions import Fraction

from sqlalchemy import insert
from sqlalchemy.orm import Session, sessionmaker

from app.db.models import Decision
from app.domain import calibration, metrics
from app.domain.calibration import BINS, CALIBRATION_MIN, SCORES, Bin, Calibration
from app.domain.clock import ManualClock
from tests.domain.factories import ALICE, BOB, CAROL, DAN, T1, T2, decide, open_decision

AUTHORS = (ALICE, BOB, CAROL, DAN)
OUTCOMES = (None, "too_early", "worked", "mixed", "did_not_work")


def _store(session: Session, template: Decision, forecasts: list[dict]) -> None:
    values = {c.key: getattr(template, c.key) for c in Decision.__table__.columns if c.key != "id"}
    session.execute(
        insert(Decision),
        [values | {"origin_key": f"f-{n}"} | f for n, f in enumerate(forecasts)],
    )


def _by_hand(name: str, pairs: list[tuple[int, float]]) -> Calibration:
    """One forecast at a time, as the figures are defined: (confidence %, score) pairs."""
    bins = []
    for low, high in BINS:
        inside = [(c, s) for c, s in pairs if low <= c <= high]
        if inside:
            stated = round(sum(c for c, _ in inside) / len(inside) / 100, 4)
            observed = round(sum(s for _, s in inside) / len(inside), 4)
            bins.append(Bin(low, high, len(inside), stated, observed))
    exact = sum((Fraction(c, 100) - Fraction(s)) ** 2 for c, s in pairs)
    brier = float(round(exact / len(pairs), 4)) if len(pairs) >= CALIBRATION_MIN else None
    return Calibration(name, len(pairs), brier, bins)


def _expected(forecasts: list[dict], viewer: str | None) -> calibration.Calibrations:
    people: dict[str, list] = {}
    domains: dict[str, list] = {}
    mine, pending = [], 0
    for f in forecasts:
        score = SCORES.get(f["outcome"] or "")
        if score is None:
            pending += f["forecast_shared"]
            continue
        pair = (f["forecast_confidence"], score)
        if f["forecast_by"] == viewer:
            mine.append(pair)
        if f["forecast_shared"]:
            people.setdefault(f["forecast_by"], []).append(pair)
            if f["domain"]:
                domains.setdefault(f["domain"], []).append(pair)

    def ranked(groups):
        found = [_by_hand(name, pairs) for name, pairs in groups.items()]
        return sorted(found, key=lambda c: (-c.forecasts, c.name))

    return calibration.Calibrations(
        people=ranked(people),
        domains=ranked(domains),
        mine=_by_hand(viewer, mine) if viewer is not None else None,
        pending=pending,
    )


def test_the_databases_sums_give_the_figures_worked_out_one_forecast_at_a_time(
    sessions: sessionmaker[Session], clock: ManualClock
) -> None:
    """Random forecasts (every author, domain, sharing, outcome and bin; a few stored outside
    the 50-99 the form allows, which count in the score but in no bin), outside the scope's
    period and in another team too: each viewer's figures equal the ones summed by hand."""
    rng = random.Random(19)
    since = clock.now() - timedelta(days=30)
    with sessions.begin() as session:
        template = decide(session, open_decision(session, clock.now()), clock.now())
        other_team = decide(session, open_decision(session, clock.now(), team=T2), clock.now())
        forecasts = [
            {
                "forecast_by": rng.choice(AUTHORS),
                "domain": rng.choice((None, "", "design", "hiring", "ops")),
                "forecast_shared": rng.random() < 0.6,
                "forecast_confidence": rng.choice((rng.randrange(50, 100),) * 9 + (45, 100)),
                "outcome": rng.choice(OUTCOMES),
                "decided_at": since + timedelta(hours=rng.randrange(-240, 700)),
            }
            for _ in range(600)
        ]
        _store(session, template, forecasts)
        _store(session, other_team, forecasts[:100])
    in_scope = [f for f in forecasts if f["decided_at"] >= since]
    assert {f["forecast_confidence"] for f in in_scope} >= {45, 100}
    scope = metrics.Scope(T1, since=since)
    with sessions() as session:
        rows = calibration.forecast_counts(session, scope)
    assert len(rows) < len(in_scope) / 2  # summed by the database, not one row per forecast
    for viewer in (*AUTHORS, "U0NOBODY", None):
        assert calibration.summarise(rows, viewer) == _expected(in_scope, viewer), viewer


def test_an_unshared_forecast_summed_beside_shared_ones_stays_its_authors(
    sessions: sessionmaker[Session], clock: ManualClock
) -> None:
    """BOB's forecasts in one domain and one bin, shared and not, reviewed and too early: the
    database groups them apart by `shared`, so the private ones reach BOB's own figure alone,
    and his private forecast that waits for its review is in nobody's pending count."""
    with sessions.begin() as session:
        template = decide(session, open_decision(session, clock.now()), clock.now())

        def bob(shared: bool, outcome: str | None, confidence: int = 80) -> dict:
            return {"forecast_by": BOB, "domain": "design", "forecast_shared": shared,
                    "forecast_confidence": confidence, "outcome": outcome}  # fmt: skip

        _store(
            session,
            template,
            [bob(True, "worked")] * 5
            + [bob(False, "did_not_work", 89)] * 4
            + [bob(True, "too_early"), bob(False, "too_early"), bob(False, None)],
        )
    with sessions() as session:
        rows = calibration.forecast_counts(session, metrics.Scope(T1))
    for viewer in (ALICE, BOB, None):
        found = calibration.summarise(rows, viewer)
        [person], [design] = found.people, found.domains
        # Shared: five at 80%, all worked: (0.8 - 1)^2 = 0.04 each.
        assert (person.name, person.forecasts, person.brier) == (BOB, 5, 0.04)
        assert (design.name, design.forecasts, design.brier) == ("design", 5, 0.04)
        assert person.bins == design.bins == [Bin(80, 89, 5, 0.8, 1.0)]
        assert found.pending == 1  # the shared one too early; not BOB's two private ones
    mine = calibration.summarise(rows, BOB).mine
    # BOB's own: 5 x 0.04 + 4 x (0.89 - 0)^2 = 0.2 + 3.1684 = 3.3684; / 9 = 0.37427 -> 0.3743
    assert mine is not None and (mine.forecasts, mine.brier) == (9, 0.3743)
    assert mine.bins == [Bin(80, 89, 9, round(756 / 9 / 100, 4), round(5 / 9, 4))]
    assert calibration.summarise(rows, ALICE).mine == Calibration(ALICE, 0, None, [])


def test_a_brier_score_halfway_between_two_is_rounded_from_its_exact_value() -> None:
    """Eight forecasts whose mean is exactly 0.07845: half to even, 0.0784, in any order. (A
    float sum of the squares lands a hair above or below it depending on the order it adds
    them in, and the nearest float to 0.07845 itself rounds to 0.0785.)"""
    # 0.5^2 + 0^2 + 0.55^2 + 0.1^2 + 0.2^2 + 0.15^2 + 0.05^2 + 0.01^2
    # = 0.25 + 0 + 0.3025 + 0.01 + 0.04 + 0.0225 + 0.0025 + 0.0001 = 0.6276; / 8 = 0.07845
    scores = {50: [0.0, 0.5], 55: [0.0], 60: [0.5], 80: [1.0], 85: [1.0], 95: [1.0], 99: [1.0]}
    backwards = {c: list(reversed(s)) for c, s in reversed(list(scores.items()))}
    for forecasts in (scores, backwards):
        assert calibration.calibrate("U1", forecasts).brier == 0.0784
