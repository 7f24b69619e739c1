"""Run Alembic migrations from code, so `deference-bot migrate` needs no alembic.ini."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).with_name("migrations")
# APScheduler owns the layout of its job table and creates it on start (app/jobs/scheduler.py);
# autogenerate must neither create nor drop it.
EXTERNAL_TABLES = frozenset({"apscheduler_jobs"})
# PostgreSQL-only trigram indexes for the log's ILIKE search (migration 0005): expression
# indexes with an operator class that the models cannot declare for SQLite as well.
TRIGRAM_INDEXES = frozenset(
    f"ix_decisions_{column}_trgm" for column in ("title", "context", "resolution", "rationale")
)


# The similar-decision check's trigram index on each team's title keys (migration 0010).
TITLE_KEY_INDEX = "ix_decisions_team_title_key_trgm"
# Since migration 0016 the check reads a narrow copy of the keys instead, kept in step by a
# trigger: PostgreSQL-only (where pg_trgm is), like the index, so no model declares it
# (app/db/dialect.py reads it). Its partial index holds the keys of at most this many trigrams.
SIMILAR_KEYS = "similar_keys"
SIMILAR_KEYS_SHORT = 15


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    if type_ == "index" and (name in TRIGRAM_INDEXES or name == TITLE_KEY_INDEX):
        return False
    if name == SIMILAR_KEYS or (type_ == "index" and name.startswith(f"ix_{SIMILAR_KEYS}_")):
        return False
    return not (type_ == "table" and name in EXTERNAL_TABLES)


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
