"""Metrics on crafted logs, against figures worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.db.models import Decision, DecisionEvent, Team
from app.domain import metrics
from app.domain.metrics import Scope, gini
from app.vocabulary import Framework, Status, Zone

T0 = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
TEAM = "T1"


def add(
    session,
    n,
    *,
    decider="U1",
    hours=None,
    outcome=None,
    channel="C1",
    team=TEAM,
    framework=None,
    status=None,
    opened=T0,
):
    if session.get(Team, team) is None:
        session.add(Team(id=team, created_at=T0))
        session.flush()
    decided = opened + timedelta(hours=hours) if hours is not None else None
    decision = Decision(
        team_id=team,
        origin_key=f"k{n}",
        title=f"D{n}",
        channel_id=channel,
        decider_id=decider,
        created_by="U9",
        created_at=opened,
        decided_at=decided,
        outcome=outcome,
        status=status or (Status.DECIDED if decided else Status.OPEN),
        zone=Zone.LOCAL,
        framework=framework,
    )
    session.add(decision)
    session.flush()
    return decision


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ([], None),
        ([5], 0.0),
        ([3, 3, 3], 0.0),
        ([1, 0, 0, 0], 0.0),
        ([0, 0, 0, 10, 10], 0.0),
        ([1, 3], 0.25),
        ([1, 1, 1, 9], 0.5),
    ],
)
def test_gini_by_hand(counts, expected):
    # [1, 3]: mean abs difference 1, mean 2 -> 1 / (2 * 2) = 0.25
    # [1, 1, 1, 9]: sum|xi-xj| over ordered pairs = 48, 2 n^2 mean = 2*16*3 = 96 -> 0.5
    assert gini(counts) == expected


def test_empty_team_has_no_figures_but_no_errors(sessions):
    with sessions() as session:
        board = metrics.dashboard(session, Scope(TEAM))
    assert board.opened == 0
    assert board.velocity == metrics.Velocity(0, None, None)
    assert board.concentration.top_share is None and board.concentration.gini is None
    assert board.outcome_coverage is None and board.worked_share is None
    assert board.escalation_rate is None and board.poll_responses is None
    assert board.open_load == [] and board.overloaded == []


def test_velocity_median_and_p90_nearest_rank(sessions):
    with sessions.begin() as session:
        for n, hours in enumerate([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]):
            add(session, n, hours=hours)
        add(session, 99)  # still open: not in velocity
    with sessions() as session:
        v = metrics.velocity(session, Scope(TEAM))
    # ten durations 1..10 h: lower nearest rank of 0.5 -> index 4 (5 h), of 0.9 -> index 8 (9 h)
    assert v == metrics.Velocity(10, timedelta(hours=5), timedelta(hours=9))


def test_one_decider_holds_everything(sessions):
    with sessions.begin() as session:
        for n in range(4):
            add(session, n, decider="U1")
    with sessions() as session:
        c = metrics.concentration(session, Scope(TEAM))
    assert (c.decisions, c.by_decider, c.top_share, c.gini) == (4, [("U1", 4)], 1.0, 0.0)


def test_ties_and_concentration(sessions):
    with sessions.begin() as session:
        for n, who in enumerate(
            ["U1", "U1", "U1", "U2", "U3", "U4", "U2", "U3", "U4", "U1", "U1", "U1"]
        ):
            add(session, n, decider=who)
    with sessions() as session:
        c = metrics.concentration(session, Scope(TEAM))
    assert c.by_decider == [("U1", 6), ("U2", 2), ("U3", 2), ("U4", 2)]  # ties by id
    assert c.top_share == 0.5
    assert c.gini == gini([6, 2, 2, 2]) == 0.25


def test_dashboard_figures_by_hand(sessions):
    with sessions.begin() as session:
        a = add(session, 1, decider="U1", hours=2, outcome="worked", framework=Framework.EXPERTISE)
        add(session, 2, decider="U1", hours=4, outcome="mixed")
        add(session, 3, decider="U2", hours=6)
        add(session, 4, decider="U2")  # open
        for n in range(5, 12):
            add(session, n, decider="U3")  # seven open: overloaded
        add(session, 20, decider="U1", team="T2", hours=1, outcome="worked")  # other team
        add(session, 21, decider="U1", channel="C2", hours=1)  # other channel
        session.add(
            DecisionEvent(
                team_id=TEAM, decision_id=a.id, kind="escalated", actor_id="U1", at=T0, detail={}
            )
        )
        session.add(
            DecisionEvent(
                team_id=TEAM, decision_id=a.id, kind="escalated", actor_id="U1", at=T0, detail={}
            )
        )
    with sessions() as session:
        board = metrics.dashboard(session, Scope(TEAM, "C1"), formal_leads=frozenset({"U2"}))
    assert board.opened == 11
    assert board.velocity == metrics.Velocity(3, timedelta(hours=4), timedelta(hours=4))
    assert board.concentration.by_decider == [("U3", 7), ("U1", 2), ("U2", 2)]
    assert board.formal_lead_share == 2 / 11
    assert board.expertise_share == 1 / 11
    assert board.escalation_rate == 1 / 11  # escalated twice, one decision
    assert board.outcome_coverage == 2 / 3
    assert board.worked_share == 1 / 2
    assert board.open_load == [("U3", 7), ("U2", 1)]
    assert board.overloaded == [("U3", 7)]


def test_period_counts_only_recent_decisions(sessions):
    with sessions.begin() as session:
        add(session, 1, hours=1, opened=T0 - timedelta(days=60))
        add(session, 2, hours=3, opened=T0)
    with sessions() as session:
        recent = metrics.dashboard(session, Scope(TEAM, since=T0 - timedelta(days=30)))
        everything = metrics.dashboard(session, Scope(TEAM))
    assert (recent.opened, recent.velocity.decided) == (1, 1)
    assert (everything.opened, everything.velocity.decided) == (2, 2)


@pytest.mark.parametrize("count", [1, 2, 3, 5, 7, 11])
def test_velocity_is_the_lower_nearest_rank_for_any_count(sessions, count):
    # PostgreSQL answers with percentile_disc at a fraction chosen to land on the same rank as
    # SQLite's ORDER BY ... OFFSET int((n - 1) * f); both must give these figures.
    hours = [3 * n + 1 for n in range(count)]
    with sessions.begin() as session:
        for n, h in enumerate(reversed(hours)):
            add(session, n, hours=h)
    with sessions() as session:
        v = metrics.velocity(session, Scope(TEAM))
    median, p90 = (hours[int((count - 1) * f)] for f in (0.5, 0.9))
    assert v == metrics.Velocity(count, timedelta(hours=median), timedelta(hours=p90))


def test_open_load_counts_open_decisions_of_any_age_in_the_period_dashboard(sessions):
    with sessions.begin() as session:
        add(session, 1, decider="U1", opened=T0 - timedelta(days=300))  # old but still open
        add(session, 2, decider="U1", opened=T0)
        add(session, 3, decider="U2", hours=1, opened=T0 - timedelta(days=300))  # old, decided
    with sessions() as session:
        board = metrics.dashboard(session, Scope(TEAM, since=T0 - timedelta(days=30)))
    assert board.opened == 1
    assert board.open_load == [("U1", 2)]
    assert board.concentration.by_decider == [("U1", 1)]
