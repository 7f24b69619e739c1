"""Channel canvases that mirror the charter (`/decide charter canvas`).

Revision ID: 0013
Revises: 0010
Create Date: 2026-11-30

One row per channel canvas the bot keeps current: where it is, and who asked for it.
"""

import sqlalchemy as sa
from alembic import op

from app.db.types import UTCDateTime

revision = "0013"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "charter_canvases",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("canvas_id", sa.String(32), nullable=False),
        sa.Column("created_by", sa.String(32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name="fk_charter_canvases_team_id_teams",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_charter_canvases"),
        sa.UniqueConstraint("team_id", "channel_id", name="uq_charter_canvases_team_id_channel_id"),
    )


def downgrade() -> None:
    op.drop_table("charter_canvases")
