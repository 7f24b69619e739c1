import re
from datetime import datetime

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.orm import Session
from sqlalchemy.schema import CreateIndex

from app.db.migrate import current_revision, downgrade, include_object, upgrade
from app.db.models import Base
from app.domain import metrics

HEAD = "0019"
NOW = datetime(2026, 11, 1)


def test_migrations_build_exactly_the_models(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": include_object}
        )
        assert compare_metadata(context, Base.metadata) == []


def _index_definitions(connection, table: str, names: list[str]) -> dict[str, str]:
    """Each index as the database itself spells it, with its name taken out."""
    if connection.dialect.name == "postgresql":
        query = text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = :table")
    else:
        query = text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :table"
        )
    found = dict(connection.execute(query, {"table": table}).all())
    return {
        name: " ".join(re.sub(rf'"?{name}"?', "ix", found[name]).split())
        for name in names
        if name in found
    }


def test_every_index_has_the_columns_include_and_where_its_model_declares(engine):
    """compare_metadata compares an index's columns only, not its INCLUDE nor its WHERE: each
    model's index is built again under a probe name (and rolled back), and the database's own
    spelling of the two must be the same."""
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            names = sorted(index.name for index in table.indexes)
            migrated = _index_definitions(connection, table.name, names)
            assert set(migrated) == set(names), table.name
            probing = connection.begin_nested()  # a SAVEPOINT: SQLite rolls its DDL back too
            for index in table.indexes:
                ddl = str(CreateIndex(index).compile(dialect=connection.dialect))
                connection.exec_driver_sql(ddl.replace(index.name, f"probe_{index.name}"))
            probes = [f"probe_{name}" for name in names]
            declared = _index_definitions(connection, table.name, probes)
            probing.rollback()
            assert {name: declared[f"probe_{name}"] for name in names} == migrated, table.name


def test_downgrade_to_nothing_and_back(engine):
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version", "apscheduler_jobs"}
    upgrade(engine)
    assert current_revision(engine) == HEAD
    assert {
        "teams",
        "decisions",
        "decision_events",
        "expertise_polls",
        "poll_votes",
        "channel_schedules",
        "scheduled_posts",
        "retro_answers",
    } <= set(inspect(engine).get_table_names())


def test_upgrade_is_idempotent(engine):
    upgrade(engine)
    upgrade(engine)
    assert current_revision(engine) == HEAD


def test_0010_keys_the_decisions_already_logged(engine):
    downgrade(engine, "0009")
    with engine.begin() as connection:
        team = text("INSERT INTO teams (id, created_at) VALUES ('T1', :at)")
        connection.execute(team, {"at": NOW})
        connection.execute(
            text(
                "INSERT INTO decisions (team_id, origin_key, title, channel_id, status, zone,"
                " created_by, created_at) VALUES ('T1', :origin, :title, 'C1', 'open', 'local',"
                " 'U1', :at)"
            ),
            [
                {"origin": "a", "title": "Which database should billing use?", "at": NOW},
                {"origin": "b", "title": "Plan the team lunch", "at": NOW},
            ],
        )
    upgrade(engine)
    with engine.connect() as connection:
        keys = connection.execute(text("SELECT title_key FROM decisions ORDER BY origin_key"))
        assert list(keys.scalars()) == ["database billing", "plan team lunch"]


def test_0019_counts_the_ballots_of_the_polls_closed_before_it(engine):
    """Polls closed before 0019 get their number of ballots from poll_votes: three, an anonymous
    poll's two (keys already noise), none; an open poll has no count yet, another team's poll
    its own. The dashboard's figures then read the stored counts."""
    downgrade(engine, "0018")
    polls = [  # (team, id, status, anonymous, closed_at, ballots)
        ("T1", 1, "closed", False, NOW, 3),
        ("T1", 2, "closed", True, NOW, 2),
        ("T1", 3, "closed", False, NOW, 0),
        ("T1", 4, "open", False, None, 2),
        ("T2", 5, "closed", False, NOW, 1),
    ]
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO teams (id, created_at) VALUES (:team, :at)"),
            [{"team": team, "at": NOW} for team in ("T1", "T2")],
        )
        for team, poll_id, status, anonymous, closed_at, ballots in polls:
            connection.execute(
                text(
                    "INSERT INTO decisions (team_id, id, origin_key, title, channel_id, status,"
                    " zone, created_by, created_at, title_key) VALUES (:team, :id, :origin, 'D',"
                    " 'C1', 'open', 'local', 'U1', :at, 'd')"
                ),
                {"team": team, "id": poll_id, "origin": f"d{poll_id}", "at": NOW},
            )
            connection.execute(
                text(
                    "INSERT INTO expertise_polls (team_id, id, decision_id, origin_key,"
                    " channel_id, opened_by, anonymous, min_responses, closes_at, closed_at,"
                    " status, created_at) VALUES (:team, :id, :id, :origin, 'C1', 'U1', :anonymous,"
                    " 1, :at, :closed_at, :status, :at)"
                ),
                {
                    "team": team, "id": poll_id, "origin": f"p{poll_id}", "anonymous": anonymous,
                    "at": NOW, "closed_at": closed_at, "status": status,
                },
            )  # fmt: skip
            for n in range(ballots):
                connection.execute(
                    text(
                        "INSERT INTO poll_votes (id, team_id, poll_id, voter_key, rating,"
                        " updated_at) VALUES (:vote, :team, :poll, :key, 3, :at)"
                    ),
                    {"vote": poll_id * 10 + n, "team": team, "poll": poll_id, "key": f"U{n}",
                     "at": NOW},
                )  # fmt: skip
    upgrade(engine)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT id, responses FROM expertise_polls ORDER BY id"))
        assert stored.all() == [(1, 3), (2, 2), (3, 0), (4, None), (5, 1)]
    with Session(engine) as session:
        assert metrics.closed_polls(session, metrics.Scope("T1")) == (3, 5)
        assert metrics.closed_polls(session, metrics.Scope("T2", "C1")) == (1, 1)
