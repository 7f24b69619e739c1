"""Known names: the people's and channels' names the bot has seen, per team.

Revision ID: 0011
Revises: 0013
Create Date: 2026-11-30

Human-facing exports (Markdown, the HTML decision log) show names instead of Slack ids; CSV
and JSON keep the ids (the contract). No surrogate id and no timestamps: see
app.db.models.names.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "known_names",
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("slack_id", sa.String(32), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_known_names_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("team_id", "kind", "slack_id", name=op.f("pk_known_names")),
    )


def downgrade() -> None:
    op.drop_table("known_names")
