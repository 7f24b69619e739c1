"""Rotations, the charter (domains, formal leads, values, steward), consensus checks,
anonymous feedback reports, and the decision's domain, principle and reopened flag.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from app.db.types import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), autoincrement=True, nullable=False)


def _team(table: str) -> list:
    return [
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=f"fk_{table}_team_id_teams", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=f"pk_{table}"),
    ]


def _parent(table: str, column: str, parent: str, name: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["team_id", column], [f"{parent}.team_id", f"{parent}.id"], name=name, ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "rotations",
        _id(),
        *_team("rotations"),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("members", sa.JSON(), nullable=False),
        sa.Column("period_days", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.String(10), nullable=False),
        sa.Column("tz", sa.String(64), nullable=False),
        sa.Column("created_by", sa.String(32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint(
            "team_id", "channel_id", "name", name="uq_rotations_team_id_channel_id_name"
        ),
        sa.UniqueConstraint("team_id", "id", name="uq_rotations_team_id_id"),
    )
    op.create_table(
        "rotation_changes",
        _id(),
        *_team("rotation_changes"),
        sa.Column("rotation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("effective", sa.String(10), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=True),
        sa.Column("other_id", sa.String(32), nullable=True),
        sa.Column("until", sa.String(10), nullable=True),
        sa.Column("actor_id", sa.String(32), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        _parent("rotation_changes", "rotation_id", "rotations", "fk_rotation_changes_rotation"),
    )
    op.create_index("ix_rotation_changes_rotation", "rotation_changes", ["team_id", "rotation_id"])
    op.create_table(
        "charters",
        _id(),
        *_team("charters"),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("escalation_contact", sa.String(32), nullable=True),
        sa.Column("editors", sa.String(16), nullable=False),
        sa.Column("editor_ids", sa.JSON(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("steward_id", sa.String(32), nullable=True),
        sa.Column("steward_rotation_id", sa.Integer(), nullable=True),
        sa.Column("steward_every", sa.String(16), nullable=True),
        sa.Column("steward_since", sa.String(10), nullable=True),
        sa.Column("updated_by", sa.String(32), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("team_id", name="uq_charters_team_id"),
    )
    op.create_table(
        "charter_domains",
        _id(),
        *_team("charter_domains"),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("authority_id", sa.String(32), nullable=True),
        sa.Column("rotation_id", sa.Integer(), nullable=True),
        sa.Column("zone", sa.String(16), nullable=False),
        sa.Column("escalation_contact", sa.String(32), nullable=True),
        sa.UniqueConstraint("team_id", "name", name="uq_charter_domains_team_id_name"),
    )
    op.create_table(
        "charter_formal_leads",
        _id(),
        *_team("charter_formal_leads"),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.UniqueConstraint("team_id", "user_id", name="uq_charter_formal_leads_team_id_user_id"),
    )
    op.create_table(
        "charter_events",
        _id(),
        *_team("charter_events"),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("actor_id", sa.String(32), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
    )
    op.create_index("ix_charter_events_team", "charter_events", ["team_id", "at"])
    op.create_table(
        "consensus_checks",
        _id(),
        *_team("consensus_checks"),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("origin_key", sa.String(255), nullable=False),
        sa.Column("decider_id", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("message_ts", sa.String(32), nullable=True),
        sa.Column("asked_by", sa.String(32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        _parent("consensus_checks", "decision_id", "decisions", "fk_consensus_checks_decision"),
        sa.UniqueConstraint("team_id", "id", name="uq_consensus_checks_team_id_id"),
        sa.UniqueConstraint("team_id", "origin_key", name="uq_consensus_checks_team_id_origin_key"),
    )
    op.create_table(
        "consensus_votes",
        _id(),
        *_team("consensus_votes"),
        sa.Column("check_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("agree", sa.Boolean(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        _parent("consensus_votes", "check_id", "consensus_checks", "fk_consensus_votes_check"),
        sa.UniqueConstraint(
            "team_id", "check_id", "user_id", name="uq_consensus_votes_team_id_check_id_user_id"
        ),
    )
    op.create_table(
        "feedback_reports",
        _id(),
        *_team("feedback_reports"),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("dedupe_key", sa.String(64), nullable=False),
        sa.UniqueConstraint("team_id", "dedupe_key", name="uq_feedback_reports_team_id_dedupe_key"),
    )
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("domain", sa.String(40), nullable=True))
        batch.add_column(sa.Column("principle", sa.String(200), nullable=True))
        batch.add_column(sa.Column("per_charter", sa.Boolean(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("reopened", sa.Boolean(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.drop_column("reopened")
        batch.drop_column("per_charter")
        batch.drop_column("principle")
        batch.drop_column("domain")
    for table in (
        "feedback_reports",
        "consensus_votes",
        "consensus_checks",
        "charter_events",
        "charter_formal_leads",
        "charter_domains",
        "charters",
        "rotation_changes",
        "rotations",
    ):
        op.drop_table(table)
