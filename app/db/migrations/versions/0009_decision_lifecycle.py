"""The life of a decision after it is declared: supersession links and the last change.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30

`supersedes_id` / `superseded_by_id` tie a decision to the one that replaced it (both ways, so
the export and both cards read them from their own row), with the other card's permalink as it
was when the link was made. `last_change` is what the card shows in place of the last
cancel, reopen, hand-on or edit: who, when, why (the event log keeps every one of them).
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("supersedes_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("superseded_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("supersedes_link", sa.String(500), nullable=True))
        batch.add_column(sa.Column("superseded_by_link", sa.String(500), nullable=True))
        batch.add_column(sa.Column("last_change", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        for column in (
            "last_change",
            "superseded_by_link",
            "supersedes_link",
            "superseded_by_id",
            "supersedes_id",
        ):
            batch.drop_column(column)
