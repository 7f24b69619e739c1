"""Org-wide installs on Enterprise Grid: which organisation each workspace belongs to.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30

An org-wide install stores one bot token for the organisation; scheduled jobs only know the
workspace whose data they post, so they look the organisation up here (app.installs).
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "slack_org_workspaces",
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("enterprise_id", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_slack_org_workspaces")),
    )
    op.create_index(
        op.f("ix_slack_org_workspaces_enterprise_id"), "slack_org_workspaces", ["enterprise_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_slack_org_workspaces_enterprise_id"), table_name="slack_org_workspaces")
    op.drop_table("slack_org_workspaces")
