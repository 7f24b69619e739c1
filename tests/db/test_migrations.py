from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from app.db.migrate import current_revision, downgrade, include_object, upgrade
from app.db.models import Base

HEAD = "0014"


def test_migrations_build_exactly_the_models(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": include_object}
        )
        assert compare_metadata(context, Base.metadata) == []


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
