"""app.domain.trends: the series behind the charts, week by week and per framework."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from app.domain import trends
from app.domain.metrics import Scope
from app.vocabulary import Framework
from tests.domain import factories
from tests.domain.factories import T1, T2, decide, open_decision

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def decided_after(session, opened: datetime, hours: float, **fields):
    decision = open_decision(session, opened, **fields)
    return decide(session, decision, opened + timedelta(hours=hours))


def test_weekly_velocity_is_the_median_hours_per_week_starting_monday(sessions):
    with sessions.begin() as session:
        decided_after(session, MONDAY, 2)
        decided_after(session, MONDAY + timedelta(days=2), 4)
        decided_after(session, MONDAY + timedelta(days=6, hours=10), 30)  # Sun -> next Mon
        decided_after(session, MONDAY + timedelta(days=8), 1)
        decided_after(session, MONDAY, 1000, team=T2)
        open_decision(session, MONDAY)
    with sessions() as session:
        series = trends.weekly_velocity(session, Scope(T1))
    assert series == [
        (date(2026, 11, 23), 3.0, 2),
        (date(2026, 11, 30), 15.5, 2),
    ]


def test_weekly_velocity_counts_from_when_decisions_were_decided(sessions):
    with sessions.begin() as session:
        decided_after(session, MONDAY - timedelta(days=10), 24 * 10)  # decided this Monday
        decided_after(session, MONDAY - timedelta(days=10), 1)
        decided_after(session, MONDAY, 1, channel="C2")
    with sessions() as session:
        assert trends.weekly_velocity(session, Scope(T1, since=MONDAY)) == [
            (date(2026, 11, 23), 120.5, 2)
        ]
        assert trends.weekly_velocity(session, Scope(T1, channel_id="C2")) == [
            (date(2026, 11, 23), 1.0, 1)
        ]
        assert trends.weekly_velocity(session, Scope(T2)) == []


def test_outcomes_by_framework_names_the_unstated_and_the_unreviewed(sessions):
    with sessions.begin() as session:
        for framework, outcome in [
            (Framework.EXPERTISE, "worked"),
            (Framework.EXPERTISE, "worked"),
            (Framework.EXPERTISE, None),
            (None, "did_not_work"),
        ]:
            decision = decided_after(session, MONDAY, 1, framework=framework)
            if outcome:
                factories.review(session, decision, MONDAY + timedelta(days=14), outcome)
        open_decision(session, MONDAY, framework=Framework.SITUATIONAL)
        decided_after(session, MONDAY, 1, framework=Framework.SITUATIONAL, team=T2)
    with sessions() as session:
        assert trends.outcomes_by_framework(session, Scope(T1)) == {
            "expertise": {"worked": 2, "not reviewed": 1},
            "not stated": {"did_not_work": 1},
        }
        assert trends.outcomes_by_framework(session, Scope(T1, channel_id="C2")) == {}
