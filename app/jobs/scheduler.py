"""The APScheduler instance: jobs persisted in the project's own database.

The job table (apscheduler_jobs) is created by APScheduler itself when the scheduler starts; its
layout is APScheduler's, so Alembic leaves it alone (app.db.migrate.EXTERNAL_TABLES).
"""

from __future__ import annotations

from datetime import UTC

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine

JOB_TABLE = "apscheduler_jobs"
# A job that should have run while the bot was down still runs when it comes back, up to a week
# late; closing is idempotent, and the start-up sweep catches anything older.
MISFIRE_GRACE = 7 * 24 * 3600


def make_scheduler(engine: Engine | str) -> BackgroundScheduler:
    store = (
        SQLAlchemyJobStore(url=engine, tablename=JOB_TABLE)
        if isinstance(engine, str)
        else SQLAlchemyJobStore(engine=engine, tablename=JOB_TABLE)
    )
    return BackgroundScheduler(
        jobstores={"default": store},
        job_defaults={"coalesce": True, "misfire_grace_time": MISFIRE_GRACE, "max_instances": 1},
        timezone=UTC,
    )


def create_job_table(engine: Engine) -> None:
    """Create the job table before any worker starts: two workers starting APScheduler on a
    fresh PostgreSQL database both ran CREATE TABLE, and the loser failed to boot (seen in
    bench.ack with 2 workers); serve calls this once, with the migrations."""
    SQLAlchemyJobStore(engine=engine, tablename=JOB_TABLE).jobs_t.create(engine, checkfirst=True)
