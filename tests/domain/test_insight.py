"""Shadow authority, calibration and whose voice is heard on a seeded team with known answers,
every figure worked out by hand (the arithmetic is in the comments). Made through the domain's
own functions (charter, polls, consensus checks, resolutions with forecasts, outcome reviews),
on SQLite and on PostgreSQL.

The team, all in channel C1, charter: design -> CAROL, hiring -> DAN.

    #   domain  poll's expert     decider  named?  decided by       forecast       outcome
    1   design  -                 CAROL    yes     charter          80% private    worked
    2   design  BOB (2 nom.)      BOB      yes     expert; bypass   90% shared     worked
    3   design  -                 BOB      yes     neither; bypass  80% shared     did_not_work
    4   hiring  ERIN (2 nom.)     DAN      yes     charter          -              -
    5   hiring  -                 BOB      yes     neither; bypass  70% shared     mixed
    6   -       ERIN (3 nom.)     ALICE    yes     neither          -              -
    7   -       -                 ALICE    no      -                -              -
    8   design  CAROL (1 nom.)    CAROL    yes     both             80% private    worked
    9   hiring  -                 ERIN     yes     neither; bypass  -              -
    10  -       (anonymous, open) ALICE    open    -                -              -
    11  -       -                 BOB      no      -                60% shared     worked
    12  -       -                 BOB      no      -                99% shared     too_early
    13  -       -                 BOB      no      -                50% shared     did_not_work

Forecasts are made by the decider. Polls and checks: see seed().
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.domain import calibration, consensus, decisions, insight, metrics, poll_service
from app.domain.alignment import DomainBypass
from app.domain.calibration import Bin
from app.domain.charter import DomainSpec
from app.domain.decisions import Forecast
from app.domain.participation import Voice
from tests.domain import factories
from tests.domain.factories import ALICE, BOB, CAROL, DAN, T1

ERIN = "U0ERIN"
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
SCOPE = metrics.Scope(T1, since=T0 - timedelta(days=1))
_keys = iter(range(1, 10_000))


def _key() -> str:
    return f"k{next(_keys)}"


def poll(session, decision, at, ballots, *, anonymous=False, close=True):
    """A poll on `decision` opened by its opener; ballots are (voter, rating, nominee)."""
    found, _ = poll_service.start_poll(
        session,
        team_id=T1,
        decision_id=decision.id,
        opened_by=decision.created_by,
        options=poll_service.PollOptions(at + timedelta(hours=1), anonymous=anonymous),
        origin_key=_key(),
        now=at,
    )
    for voter, rating, nominee in ballots:
        poll_service.cast_vote(
            session, team_id=T1, poll_id=found.id, user_id=voter, now=at, rating=rating,
            nominee=nominee,
        )  # fmt: skip
    if close:
        poll_service.close_poll(session, team_id=T1, poll_id=found.id, now=at)
    return found


def check(session, decision, at, asker, agreeing):
    found, _ = consensus.start(
        session, team_id=T1, decision_id=decision.id, actor_id=asker, now=at, origin_key=_key()
    )
    for person in agreeing:
        consensus.answer(session, team_id=T1, check_id=found.id, user_id=person, agree=True, now=at)


def resolve(session, decision, at, forecast=None):
    decisions.record_resolution(
        session,
        team_id=T1,
        decision_id=decision.id,
        actor_id=decision.decider_id,
        resolution="Done",
        rationale=None,
        now=at,
        idempotency_key=_key(),
        forecast=forecast,
    )


def seed(session, anonymous_voters=(BOB, CAROL)):
    factories.charter_with(
        session,
        T0,
        DomainSpec("design", authority_id=CAROL),
        DomainSpec("hiring", authority_id=DAN),
    )
    rows = [  # (decider, domain)
        (CAROL, "design"), (BOB, "design"), (BOB, "design"), (DAN, "hiring"), (BOB, "hiring"),
        (ALICE, None), (ALICE, None), (CAROL, "design"), (ERIN, "hiring"), (ALICE, None),
        (BOB, None), (BOB, None), (BOB, None),
    ]  # fmt: skip
    d = {}
    for n, (decider, domain) in enumerate(rows, start=1):
        at = T0 + timedelta(hours=n)
        d[n] = factories.open_decision(
            session, at, actor=ALICE, decider=decider, domain=domain, title=f"D{n}"
        )
    at = T0 + timedelta(days=1)
    poll(session, d[2], at, [(ALICE, None, BOB), (CAROL, None, BOB), (DAN, 3, None)])
    poll(session, d[4], at, [(ALICE, None, ERIN), (BOB, None, ERIN)])
    poll(session, d[6], at, [(BOB, None, ERIN), (CAROL, None, ERIN), (DAN, None, ERIN)])
    poll(session, d[8], at, [(ALICE, None, CAROL)])
    voters = [(v, 4, None) for v in anonymous_voters]
    poll(session, d[10], at, voters, anonymous=True, close=False)
    check(session, d[3], at, DAN, [BOB, ERIN])
    check(session, d[10], at, ALICE, [BOB, CAROL])
    later = T0 + timedelta(days=2)
    forecasts = {
        1: Forecast(80), 2: Forecast(90, "Ships in March", shared=True),
        3: Forecast(80, shared=True), 5: Forecast(70, shared=True), 8: Forecast(80),
        11: Forecast(60, shared=True), 12: Forecast(99, shared=True),
        13: Forecast(50, shared=True),
    }  # fmt: skip
    for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13):
        resolve(session, d[n], later, forecasts.get(n))
    reviewed = T0 + timedelta(days=20)
    verdicts = {
        1: "worked", 2: "worked", 3: "did_not_work", 5: "mixed", 8: "worked", 11: "worked",
        12: "too_early", 13: "did_not_work",
    }  # fmt: skip
    for n, outcome in verdicts.items():
        factories.review(session, d[n], reviewed, outcome)
    return d


@pytest.fixture
def seeded(sessions):
    with sessions.begin() as session:
        seed(session)
    return sessions


def test_each_decision_keeps_who_was_named_when_it_was_decided(seeded):
    with seeded() as session:
        found = {
            d.title: (d.charter_authority_id, d.poll_expert_id)
            for d in decisions.search_log(session, T1, limit=20)[0]
        }
    assert found["D1"] == (CAROL, None)
    assert found["D2"] == (CAROL, BOB)  # BOB: 2 nominations x 2.0 = 4.0 > DAN's 3/5 = 0.6
    assert found["D4"] == (DAN, ERIN)
    assert found["D6"] == (None, ERIN)
    assert found["D7"] == (None, None)
    assert found["D8"] == (CAROL, CAROL)
    assert found["D10"] == (None, None)  # still open: nothing recorded yet


def test_shadow_authority_matches_the_hand_worked_figures(seeded):
    with seeded() as session:
        found = insight.gather(session, SCOPE).alignment
    # Named: D1-6, D8, D9 = 8 (D7 and D11-13 named nobody; D10 is open).
    # Charter's authority decided D1, D4, D8 = 3 -> 3/8 = 37.5%
    # Poll's expert decided D2, D8 = 2 -> 2/8 = 25%; both: D8 = 1
    # Neither: D3, D5, D6, D9 = 4 -> 8 - (3 + 2 - 1) = 4 -> 50%
    assert (found.named, found.by_charter, found.by_expert, found.by_both) == (8, 3, 2, 1)
    assert found.by_neither == 4
    assert (found.charter_share, found.expert_share, found.neither_share) == (0.375, 0.25, 0.5)
    assert found.enough
    # Outside their domains: BOB in design (D2, D3) and hiring (D5) = 3; ERIN in hiring (D9).
    assert found.outsiders == [(BOB, 3), (ERIN, 1)]
    # design: D1, D2, D3, D8 with an authority, bypassed by D2, D3 -> 2 of 4 (50%)
    # hiring: D4, D5, D9, bypassed by D5, D9 -> 2 of 3 (67%): first, the larger share
    assert found.bypassed == [DomainBypass("hiring", 2, 3), DomainBypass("design", 2, 4)]
    # Systematic: at least 3 decisions and at least 2/3 bypassed: hiring (2*3 >= 2*3), not
    # design (2*3 < 2*4).
    assert found.systematic == [DomainBypass("hiring", 2, 3)]


def test_calibration_matches_the_hand_worked_brier_score(seeded):
    with seeded() as session:
        found = insight.gather(session, SCOPE, viewer=CAROL).calibration
    # BOB's reviewed, shared forecasts: D2 0.90 -> worked 1, D3 0.80 -> 0, D5 0.70 -> mixed 0.5,
    # D11 0.60 -> 1, D13 0.50 -> 0 (D12 is "too early": not scored, pending).
    # Brier = ((0.9-1)^2 + (0.8-0)^2 + (0.7-0.5)^2 + (0.6-1)^2 + (0.5-0)^2) / 5
    #       = (0.01 + 0.64 + 0.04 + 0.16 + 0.25) / 5 = 1.10 / 5 = 0.22
    [bob] = found.people
    assert (bob.name, bob.forecasts, bob.brier) == (BOB, 5, 0.22)
    assert bob.bins == [
        Bin(50, 59, 1, 0.5, 0.0),
        Bin(60, 69, 1, 0.6, 1.0),
        Bin(70, 79, 1, 0.7, 0.5),
        Bin(80, 89, 1, 0.8, 0.0),
        Bin(90, 99, 1, 0.9, 1.0),
    ]
    assert found.shown == [bob]
    assert found.pending == 1  # D12
    # CAROL's forecasts are private: in nobody's figures but her own. Her own: D1 and D8,
    # both 0.80 and worked -> 2 reviewed, below the minimum of 5: no score.
    assert found.mine is not None
    assert (found.mine.forecasts, found.mine.brier) == (2, None)
    # Domains count shared forecasts only: design has D2 and D3 (CAROL's D1 and D8 are
    # private) -> 2, below 5; hiring has D5 -> 1.
    assert [(c.name, c.forecasts, c.brier) for c in found.domains] == [
        ("design", 2, None),
        ("hiring", 1, None),
    ]


def test_whose_voice_is_heard_matches_the_hand_worked_figures(seeded):
    with seeded() as session:
        board = metrics.dashboard(session, SCOPE)
        found = insight.gather(session, SCOPE, board).participation
    # Asked in C1: polls on D2, D4, D6, D8 and checks on D3, D10 = 6 (the anonymous poll on
    # D10 only in the totals). Everyone took part in C1, so each was asked 6 times.
    # Answered: ALICE polls 2, 4, 8 = 3; BOB polls 4, 6 + checks 3, 10 = 4; CAROL polls 2, 6
    # + check 10 = 3; DAN polls 2, 6 = 2; ERIN check 3 = 1.
    assert found.asks == 6
    assert found.voices == [
        Voice(BOB, 4, 6, 2),
        Voice(ALICE, 3, 6, 0),
        Voice(CAROL, 3, 6, 1),
        Voice(DAN, 2, 6, 0),
        Voice(ERIN, 1, 6, 5),
    ]
    # Gini of [1, 2, 3, 3, 4]: sum(rank * value) = 1 + 4 + 9 + 12 + 20 = 46;
    # 2 * 46 / (5 * 13) - 6 / 5 = 1.41538 - 1.2 = 0.2154
    assert found.gini == 0.2154
    assert (found.anonymous_polls, found.anonymous_ballots) == (1, 2)
    # ERIN: nominated 2 (D4) + 3 (D6) = 5 times, decides 1 (D9): 1 * 3 <= 5 -> hidden expert.
    # BOB: nominated 2 times, under the 3 it takes.
    assert found.hidden == [(ERIN, 5, 1)]


def test_figures_below_their_minimum_sample_say_so(sessions):
    """One decision of each kind: every figure is below its minimum and shows no number."""
    with sessions.begin() as session:
        factories.charter_with(session, T0, DomainSpec("design", authority_id=CAROL))
        decision = factories.open_decision(session, T0, decider=BOB, domain="design")
        poll(session, decision, T0, [(ALICE, None, BOB), (CAROL, 2, None)])
        resolve(session, decision, T0 + timedelta(hours=1), Forecast(90, shared=True))
        factories.review(session, decision, T0 + timedelta(days=9), "worked")
    with sessions() as session:
        found = insight.gather(session, SCOPE, viewer=BOB)
    assert (found.alignment.named, found.alignment.enough) == (1, False)
    assert found.calibration.people[0].forecasts == 1 and found.calibration.people[0].brier is None
    assert found.calibration.shown == []
    assert (found.participation.asks, found.participation.enough) == (1, False)
    assert found.participation.gini is None


def test_a_domain_reaches_its_minimum_with_five_shared_forecasts(sessions):
    """Five shared, reviewed forecasts in one domain by two people: the domain gets a score."""
    with sessions.begin() as session:
        factories.charter_with(session, T0, DomainSpec("design", authority_id=CAROL))
        plan = [(BOB, 90, "worked"), (BOB, 60, "did_not_work"), (CAROL, 80, "worked"),
                (CAROL, 70, "mixed"), (CAROL, 99, "worked")]  # fmt: skip
        for n, (who, confidence, outcome) in enumerate(plan):
            at = T0 + timedelta(hours=n)
            decision = factories.open_decision(session, at, decider=who, domain="design")
            resolve(session, decision, at, Forecast(confidence, shared=True))
            factories.review(session, decision, at + timedelta(days=9), outcome)
    with sessions() as session:
        found = insight.gather(session, SCOPE).calibration
    # (0.9-1)^2 + (0.6-0)^2 + (0.8-1)^2 + (0.7-0.5)^2 + (0.99-1)^2
    # = 0.01 + 0.36 + 0.04 + 0.04 + 0.0001 = 0.4501; / 5 = 0.09002 -> 0.09
    [design] = found.domains
    assert (design.forecasts, design.brier) == (5, 0.09)
    assert [c.forecasts for c in found.people] == [3, 2]  # CAROL 3, BOB 2: neither shown
    assert found.shown == []


def test_one_forecast_is_scored_for_its_author_alone(seeded):
    with seeded() as session:
        found = {d.title: d for d in decisions.search_log(session, T1, limit=20)[0]}
    # D3: BOB 80% confident, did not work -> (0.8 - 0)^2 = 0.64; D5: 70%, mixed -> 0.04
    assert calibration.forecast_score(found["D3"], reader=BOB) == 0.64
    assert calibration.forecast_score(found["D5"], reader=BOB) == 0.04
    assert calibration.forecast_score(found["D3"], reader=CAROL) is None  # not hers
    assert calibration.forecast_score(found["D12"], reader=BOB) is None  # too early
    assert calibration.forecast_score(found["D4"], reader=DAN) is None  # no forecast


def test_reopening_sets_the_resolutions_figures_aside(seeded):
    from app.domain import lifecycle

    with seeded.begin() as session:
        d2 = next(d for d in decisions.search_log(session, T1, limit=20)[0] if d.title == "D2")
        lifecycle.reopen(
            session, team_id=T1, decision_id=d2.id, actor_id=BOB, reason="New facts",
            now=T0 + timedelta(days=21), idempotency_key="reopen-d2",
        )  # fmt: skip
    with seeded() as session:
        found = insight.gather(session, SCOPE)
    # D2 (named: charter CAROL, expert BOB; BOB's 90% forecast, worked) is open again:
    # named 8 - 1 = 7, by the expert 2 - 1 = 1; BOB has 4 reviewed forecasts, below 5.
    assert (found.alignment.named, found.alignment.by_expert) == (7, 1)
    assert found.calibration.people[0].forecasts == 4
    assert found.calibration.shown == []


def test_a_domain_held_by_a_rotation_names_its_lead_of_the_day(sessions):
    with sessions.begin() as session:
        duty = factories.rotation(session, T0, [DAN, CAROL], period_days=7)
        factories.charter_with(session, T0, DomainSpec("oncall", rotation_id=duty.id))
        first = factories.open_decision(session, T0, decider=BOB, domain="oncall")
        resolve(session, first, T0 + timedelta(days=1))  # DAN's week
        second = factories.open_decision(session, T0, decider=CAROL, domain="oncall")
        resolve(session, second, T0 + timedelta(days=8))  # CAROL's week
    assert (first.charter_authority_id, second.charter_authority_id) == (DAN, CAROL)
    with sessions() as session:
        found = insight.gather(session, SCOPE).alignment
    assert (found.named, found.by_charter, found.outsiders) == (2, 1, [(BOB, 1)])
