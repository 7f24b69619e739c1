"""A narrow copy of each decision's title key for the similar-decision check (PostgreSQL).

Revision ID: 0016
Revises: 0014
Create Date: 2026-11-30

Migration 0010's GIN index on `decisions (team_id, title_key)` hands back every decision that
shares a common word with the new title, and each must be re-checked in the wide decisions
table: 130-290 ms at a million decisions (bench/README.md). Here the keys move to a narrow table
(`similar_keys`: the key, its trigram count, and the team, status and decided_at the check
filters on), so a re-check reads a short row, and the trigram count bounds which keys can
reach the threshold at all (similarity can only reach t between keys whose counts are within
a factor t of each other). A second, partial GIN index holds only the short keys: a one-word
title looks there and its common trigrams match a few thousand keys instead of tens of
thousands.

A trigger keeps the copy in step with every insert and every change of team, key, status or
decided_at, whichever way it is written (the ORM, a bulk UPDATE such as recording an outcome,
COPY); deleting a decision deletes its copy. Which decisions are candidates stays the domain's
rule (app/domain/similar.py): the copy holds them all and the query filters.

Only where pg_trgm is installed (as migration 0010's index was); elsewhere the check compares
keys in Python over the decisions table.
"""

import logging

import sqlalchemy as sa
from alembic import op

from app.db.migrate import SIMILAR_KEYS, SIMILAR_KEYS_SHORT, TITLE_KEY_INDEX

log = logging.getLogger(__name__)

revision = "0016"
down_revision = "0014"
branch_labels = None
depends_on = None

FUNCTION = "similar_keys_follow_decisions"


def _trigram_count(expression: str) -> str:
    return f"coalesce(array_length(show_trgm({expression}), 1), 0)"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    if not bind.scalar(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")):
        log.warning("no pg_trgm: the similar-decision check compares keys in Python")
        return
    op.execute(
        f"""
        CREATE TABLE {SIMILAR_KEYS} (
            decision_id integer PRIMARY KEY,
            team_id varchar(32) NOT NULL,
            title_key varchar(200) NOT NULL,
            trigrams smallint NOT NULL,
            status varchar(16) NOT NULL,
            decided_at timestamp without time zone,
            FOREIGN KEY (team_id, decision_id) REFERENCES decisions (team_id, id)
                ON DELETE CASCADE ON UPDATE CASCADE
        )
        """
    )
    op.execute(
        f"""
        INSERT INTO {SIMILAR_KEYS}
        SELECT id, team_id, title_key, {_trigram_count("title_key")}, status, decided_at
        FROM decisions
        """  # noqa: S608 (names and SQL of this module, no input)
    )
    op.execute(
        f"""
        CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO {SIMILAR_KEYS} AS k
                (decision_id, team_id, title_key, trigrams, status, decided_at)
            VALUES (NEW.id, NEW.team_id, NEW.title_key, {_trigram_count("NEW.title_key")},
                    NEW.status, NEW.decided_at)
            ON CONFLICT (decision_id) DO UPDATE SET
                team_id = EXCLUDED.team_id, title_key = EXCLUDED.title_key,
                trigrams = EXCLUDED.trigrams, status = EXCLUDED.status,
                decided_at = EXCLUDED.decided_at;
            RETURN NULL;
        END
        $$
        """  # noqa: S608 (names and SQL of this module, no input)
    )
    op.execute(
        f"""
        CREATE TRIGGER {FUNCTION} AFTER INSERT OR UPDATE OF team_id, title_key, status,
        decided_at ON decisions FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()
        """
    )
    has_btree_gin = bind.scalar(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'btree_gin'"))
    columns = "team_id, title_key gin_trgm_ops" if has_btree_gin else "title_key gin_trgm_ops"
    op.execute(f"CREATE INDEX ix_{SIMILAR_KEYS}_trgm ON {SIMILAR_KEYS} USING gin ({columns})")
    op.execute(
        f"CREATE INDEX ix_{SIMILAR_KEYS}_short_trgm ON {SIMILAR_KEYS} USING gin ({columns})"
        f" WHERE trigrams <= {SIMILAR_KEYS_SHORT}"
    )
    op.execute(f"DROP INDEX IF EXISTS {TITLE_KEY_INDEX}")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    if not bind.scalar(sa.text("SELECT to_regclass(:name)"), {"name": SIMILAR_KEYS}):
        return
    op.execute(f"DROP TRIGGER IF EXISTS {FUNCTION} ON decisions")
    op.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
    op.execute(f"DROP TABLE {SIMILAR_KEYS}")
    has_btree_gin = bind.scalar(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'btree_gin'"))
    columns = "team_id, title_key gin_trgm_ops" if has_btree_gin else "title_key gin_trgm_ops"
    op.execute(f"CREATE INDEX {TITLE_KEY_INDEX} ON decisions USING gin ({columns})")
