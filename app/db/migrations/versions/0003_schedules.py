"""Channel schedules (check-ins, retrospectives), the scheduled-post ledger, retro answers.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

from app.db.types import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _team_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["team_id"], ["teams.id"], name=f"fk_{table}_team_id_teams", ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "channel_schedules",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("hour", sa.Integer(), nullable=False),
        sa.Column("minute", sa.Integer(), nullable=False),
        sa.Column("weekdays", sa.String(16), nullable=False),
        sa.Column("every_weeks", sa.Integer(), nullable=False),
        sa.Column("anchor", sa.String(10), nullable=False),
        sa.Column("tz", sa.String(64), nullable=False),
        sa.Column("created_by", sa.String(32), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("disabled_reason", sa.String(64), nullable=True),
        _team_fk("channel_schedules"),
        sa.PrimaryKeyConstraint("id", name="pk_channel_schedules"),
        sa.UniqueConstraint(
            "team_id", "channel_id", "kind", name="uq_channel_schedules_team_id_channel_id_kind"
        ),
    )
    op.create_table(
        "scheduled_posts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("subject", sa.String(64), nullable=False),
        sa.Column("occurrence", sa.String(40), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=True),
        sa.Column("message_ts", sa.String(32), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("claimed_at", UTCDateTime(), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        _team_fk("scheduled_posts"),
        sa.PrimaryKeyConstraint("id", name="pk_scheduled_posts"),
        sa.UniqueConstraint(
            "team_id",
            "kind",
            "subject",
            "occurrence",
            name="uq_scheduled_posts_team_id_kind_subject_occurrence",
        ),
        sa.UniqueConstraint("team_id", "id", name="uq_scheduled_posts_team_id_id"),
    )
    op.create_index("ix_scheduled_posts_status", "scheduled_posts", ["status", "kind"])
    op.create_table(
        "retro_answers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("dedupe_key", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id", "post_id"],
            ["scheduled_posts.team_id", "scheduled_posts.id"],
            name="fk_retro_answers_post",
            ondelete="CASCADE",
        ),
        _team_fk("retro_answers"),
        sa.PrimaryKeyConstraint("id", name="pk_retro_answers"),
        sa.UniqueConstraint("team_id", "dedupe_key", name="uq_retro_answers_team_id_dedupe_key"),
    )
    op.create_index("ix_retro_answers_post", "retro_answers", ["team_id", "post_id"])
    op.create_table(
        "retro_respondents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("respondent_key", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id", "post_id"],
            ["scheduled_posts.team_id", "scheduled_posts.id"],
            name="fk_retro_respondents_post",
            ondelete="CASCADE",
        ),
        _team_fk("retro_respondents"),
        sa.PrimaryKeyConstraint("id", name="pk_retro_respondents"),
        sa.UniqueConstraint(
            "team_id",
            "post_id",
            "respondent_key",
            name="uq_retro_respondents_team_id_post_id_respondent_key",
        ),
    )


def downgrade() -> None:
    op.drop_table("retro_respondents")
    op.drop_table("retro_answers")
    op.drop_table("scheduled_posts")
    op.drop_table("channel_schedules")
