"""`deference-bot purge --team T`: delete everything the bot keeps about one workspace.

Why by table and not by relying on ON DELETE CASCADE from `teams`: the installation tables
(slack_sdk's layout) and APScheduler's job table have no foreign key to `teams`, and a team
can have an installation but no `teams` row yet. Every table with a `team_id` column is
emptied of the team, children first, in one transaction; nothing of another team is touched.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    MetaData,
    String,
    Table,
    delete,
    func,
    inspect,
    select,
)

from app.db.models import Base, Team
from app.jobs.front_door import team_of
from app.jobs.scheduler import JOB_TABLE

# APScheduler's own table, declared apart from Base so that Alembic keeps leaving it alone.
JOBS = Table(JOB_TABLE, MetaData(), Column("id", String(191), primary_key=True))


def team_tables() -> list[Table]:
    """Every table with a team_id, children before the tables they refer to."""
    return [t for t in reversed(Base.metadata.sorted_tables) if "team_id" in t.c]


def count_rows(engine: Engine, team_id: str) -> dict[str, int]:
    """Rows of the team per table (only tables that have some)."""
    with engine.connect() as connection:
        return _counts(connection, team_id)


def purge_team(engine: Engine, team_id: str) -> dict[str, int]:
    """Delete the team's rows everywhere; returns what was deleted per table."""
    with engine.begin() as connection:
        counts = _counts(connection, team_id)
        for table in team_tables():
            if counts.get(table.name):
                connection.execute(delete(table).where(table.c.team_id == team_id))
        jobs = _job_ids(connection, team_id)
        if jobs:
            connection.execute(delete(JOBS).where(JOBS.c.id.in_(jobs)))
        connection.execute(delete(Team.__table__).where(Team.__table__.c.id == team_id))
    return counts


def _counts(connection: Connection, team_id: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table in team_tables():
        found = connection.execute(
            select(func.count()).select_from(table).where(table.c.team_id == team_id)
        ).scalar_one()
        if found:
            counts[table.name] = found
    jobs = len(_job_ids(connection, team_id))
    if jobs:
        counts[JOB_TABLE] = jobs
    teams = Team.__table__
    if connection.execute(select(teams.c.id).where(teams.c.id == team_id)).first():
        counts[teams.name] = 1
    return counts


def _job_ids(connection: Connection, team_id: str) -> list[str]:
    """The team's scheduled jobs, recognised by their ids (app.jobs.front_door)."""
    if JOB_TABLE not in inspect(connection).get_table_names():
        return []
    ids = connection.execute(select(JOBS.c.id)).scalars()
    return [i for i in ids if team_of(i) == team_id]
