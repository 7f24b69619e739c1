"""Expertise polls, their ballots, and each decision's tiebreaker rule.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24

APScheduler's own job table (apscheduler_jobs) is not created here: its layout belongs to
APScheduler, which creates it on start, so it is excluded from autogenerate in env.py.
"""

import sqlalchemy as sa
from alembic import op

from app.db.types import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _enum(*values: str, name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=False, length=16)


TIEBREAKERS = ("opener", "poll_leader", "steward", "rotation_lead")


def upgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(
            sa.Column(
                "tiebreaker",
                _enum(*TIEBREAKERS, name="decision_tiebreaker"),
                nullable=False,
                server_default="opener",
            )
        )
    op.create_table(
        "expertise_polls",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("origin_key", sa.String(255), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("thread_ts", sa.String(32), nullable=True),
        sa.Column("message_ts", sa.String(32), nullable=True),
        sa.Column("opened_by", sa.String(32), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("salt", sa.String(64), nullable=True),
        sa.Column("min_responses", sa.Integer(), nullable=False),
        sa.Column("closes_at", UTCDateTime(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("status", _enum("open", "closed", name="poll_status"), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id", "decision_id"],
            ["decisions.team_id", "decisions.id"],
            name="fk_expertise_polls_decision",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name="fk_expertise_polls_team_id_teams", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_expertise_polls"),
        sa.UniqueConstraint("team_id", "id", name="uq_expertise_polls_team_id_id"),
        sa.UniqueConstraint("team_id", "origin_key", name="uq_expertise_polls_team_id_origin_key"),
    )
    op.create_index("ix_expertise_polls_due", "expertise_polls", ["status", "closes_at"])
    op.create_index("ix_expertise_polls_decision", "expertise_polls", ["team_id", "decision_id"])
    op.create_table(
        "poll_votes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("voter_key", sa.String(64), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("nominee_id", sa.String(32), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id", "poll_id"],
            ["expertise_polls.team_id", "expertise_polls.id"],
            name="fk_poll_votes_poll",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name="fk_poll_votes_team_id_teams", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_poll_votes"),
        sa.UniqueConstraint(
            "team_id", "poll_id", "voter_key", name="uq_poll_votes_team_id_poll_id_voter_key"
        ),
    )


def downgrade() -> None:
    op.drop_table("poll_votes")
    op.drop_table("expertise_polls")
    with op.batch_alter_table("decisions") as batch:
        batch.drop_column("tiebreaker")
