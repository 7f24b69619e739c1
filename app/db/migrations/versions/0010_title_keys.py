"""Title keys for the similar-decision check, and their trigram index (PostgreSQL).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30

Before a decision is declared, the team's similar decisions are shown (app/domain/similar.py).
Titles are compared by their content words (`decisions.title_key`, app/db/title_key.py), so
the key is stored beside the title and filled in here for the decisions already logged.

On PostgreSQL the key gets a GIN trigram index that leads with the team (`btree_gin` lets
team_id share a GIN index with `gin_trgm_ops`), so a team's lookup never wades through other
teams' titles. Without btree_gin the index is on the key alone; without pg_trgm there is no
index and the check compares keys in Python, as on SQLite (the migration logs a warning).
"""

import logging

import sqlalchemy as sa
from alembic import op

from app.db.migrate import TITLE_KEY_INDEX
from app.db.title_key import title_key

log = logging.getLogger(__name__)

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

BATCH = 5000


def upgrade() -> None:
    op.add_column(
        "decisions", sa.Column("title_key", sa.String(200), nullable=False, server_default="")
    )
    _fill_keys()
    if op.get_bind().dialect.name == "postgresql":
        _trigram_index()


def _fill_keys() -> None:
    """Key the decisions already logged, a batch at a time in id order."""
    bind = op.get_bind()
    decisions = sa.table(
        "decisions", sa.column("id", sa.Integer), sa.column("title"), sa.column("title_key")
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.select(decisions.c.id, decisions.c.title)
            .where(decisions.c.id > last)
            .order_by(decisions.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        bind.execute(
            decisions.update()
            .where(decisions.c.id == sa.bindparam("row_id"))
            .values(title_key=sa.bindparam("key")),
            [{"row_id": row.id, "key": title_key(row.title)} for row in rows],
        )
        last = rows[-1].id


def _has_extension(name: str) -> bool:
    bind = op.get_bind()
    try:
        with bind.begin_nested():
            bind.execute(sa.text(f"CREATE EXTENSION IF NOT EXISTS {name}"))
    except sa.exc.DBAPIError as exc:
        log.warning("%s is not available (%s)", name, exc)
        return False
    return True


def _trigram_index() -> None:
    if not _has_extension("pg_trgm"):
        log.warning("the similar-decision check has no trigram index: it compares in Python")
        return
    columns = "title_key gin_trgm_ops"
    if _has_extension("btree_gin"):
        columns = f"team_id, {columns}"
    op.execute(f"CREATE INDEX {TITLE_KEY_INDEX} ON decisions USING gin ({columns})")


def downgrade() -> None:
    op.execute(f"DROP INDEX IF EXISTS {TITLE_KEY_INDEX}")
    op.drop_column("decisions", "title_key")
