"""app.domain.teams.get_or_create_team: a workspace's row, made when it first talks to the bot."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.db.models import Team
from app.domain.teams import get_or_create_team
from tests.domain.factories import T1, T2


def test_the_first_call_creates_and_later_calls_return_the_same_row(sessions, clock):
    first_seen = clock.now()
    with sessions.begin() as session:
        created = get_or_create_team(session, T1, first_seen, domain="acme")
        assert (created.id, created.domain, created.created_at) == (T1, "acme", first_seen)
    with sessions.begin() as session:
        again = get_or_create_team(session, T1, first_seen + timedelta(days=3))
        assert again.created_at == first_seen
        assert again.domain == "acme"  # no domain given: the known one stays
        assert session.scalar(select(func.count()).select_from(Team)) == 1


def test_a_renamed_workspace_gets_its_new_domain(sessions, clock):
    with sessions.begin() as session:
        get_or_create_team(session, T1, clock.now(), domain="acme")
    with sessions.begin() as session:
        get_or_create_team(session, T1, clock.now(), domain="acme-corp")
    with sessions() as session:
        assert session.get(Team, T1).domain == "acme-corp"


def test_teams_are_separate_rows(sessions, clock):
    with sessions.begin() as session:
        get_or_create_team(session, T1, clock.now(), domain="acme")
        get_or_create_team(session, T2, clock.now())
    with sessions() as session:
        rows = {t.id: t.domain for t in session.scalars(select(Team))}
    assert rows == {T1: "acme", T2: None}
