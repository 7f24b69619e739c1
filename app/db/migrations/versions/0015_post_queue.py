"""The post queue: scheduled posts wait in the ledger until any worker takes them.

Revision ID: 0015
Revises: 0011
Create Date: 2026-11-30

The elected scheduler only enqueues due check-ins and retrospectives; every process takes them
with FOR UPDATE SKIP LOCKED (app.domain.post_queue). `available_at` lets a failed attempt back
off instead of being retaken at once; the partial index holds only rows still to post, so the
queue stays fast however long the ledger of sent posts grows.
"""

import sqlalchemy as sa
from alembic import op

from app.db.types import UTCDateTime

revision = "0015"
down_revision = "0011"
branch_labels = None
depends_on = None

STILL_TO_POST = sa.text("status IN ('pending', 'posting')")


def upgrade() -> None:
    with op.batch_alter_table("scheduled_posts") as batch:
        batch.add_column(sa.Column("available_at", UTCDateTime(), nullable=True))
    op.create_index(
        "ix_scheduled_posts_queue",
        "scheduled_posts",
        ["available_at"],
        postgresql_where=STILL_TO_POST,
        sqlite_where=STILL_TO_POST,
    )


def downgrade() -> None:
    op.drop_index("ix_scheduled_posts_queue", table_name="scheduled_posts")
    with op.batch_alter_table("scheduled_posts") as batch:
        batch.drop_column("available_at")
