"""Let velocity read opened and decided times from the index alone (PostgreSQL).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22

`/decide stats` sorts the time-to-decide of every decision decided in its period; with
created_at carried in the (team_id, decided_at) index PostgreSQL answers that from an
index-only scan instead of visiting a heap row per decision. SQLite has no INCLUDE; the index
stays as it was there.
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

NAME = "ix_decisions_team_decided"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index(NAME, table_name="decisions")
    op.create_index(NAME, "decisions", ["team_id", "decided_at"], postgresql_include=["created_at"])


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index(NAME, table_name="decisions")
    op.create_index(NAME, "decisions", ["team_id", "decided_at"])
