"""Workspaces. A team row is created the first time the team talks to the bot."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db.models import Team


def get_or_create_team(
    session: Session, team_id: str, now: datetime, domain: str | None = None
) -> Team:
    team = session.get(Team, team_id)
    if team is None:
        try:
            with session.begin_nested():
                team = Team(id=team_id, domain=domain, created_at=now)
                session.add(team)
        except IntegrityError:
            # Another worker created it between our read and our insert.
            team = session.scalars(select(Team).where(Team.id == team_id)).one()
    if domain and team.domain != domain:
        team.domain = domain
    return team
