"""Teams, decisions and their events.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

from app.db.types import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _enum(*values: str, name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=False, length=16)


STATUS = ("open", "escalated", "decided", "superseded", "cancelled")


def upgrade() -> None:
    op.create_table(
        "teams",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("domain", sa.String(255), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_teams"),
    )
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("origin_key", sa.String(255), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("context", sa.Text(), nullable=True),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("thread_ts", sa.String(32), nullable=True),
        sa.Column("card_ts", sa.String(32), nullable=True),
        sa.Column("permalink", sa.String(500), nullable=True),
        sa.Column("status", _enum(*STATUS, name="decision_status"), nullable=False),
        sa.Column("decider_id", sa.String(32), nullable=True),
        sa.Column("deferred_by", sa.String(32), nullable=True),
        sa.Column(
            "framework",
            _enum("expertise", "situational", "rotating", name="decision_framework"),
            nullable=True,
        ),
        sa.Column(
            "approach",
            _enum("strategic", "tactical", "structural", name="decision_approach"),
            nullable=True,
        ),
        sa.Column(
            "zone", _enum("local", "principle", "centre", name="decision_zone"), nullable=False
        ),
        sa.Column("reversible", sa.Boolean(), nullable=True),
        sa.Column("deadline", UTCDateTime(), nullable=True),
        sa.Column("created_by", sa.String(32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("rationale", sa.Text(), nullable=True),
        sa.Column("outcome", sa.String(32), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name="fk_decisions_team_id_teams", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_decisions"),
        sa.UniqueConstraint("team_id", "origin_key", name="uq_decisions_team_id_origin_key"),
        sa.UniqueConstraint("team_id", "id", name="uq_decisions_team_id_id"),
    )
    op.create_index("ix_decisions_team_created", "decisions", ["team_id", "created_at"])
    op.create_index("ix_decisions_team_status", "decisions", ["team_id", "status"])
    op.create_table(
        "decision_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("actor_id", sa.String(32), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("from_status", _enum(*STATUS, name="event_from_status"), nullable=True),
        sa.Column("to_status", _enum(*STATUS, name="event_to_status"), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("idempotency_key", sa.String(255), nullable=True),
        sa.ForeignKeyConstraint(
            ["team_id", "decision_id"],
            ["decisions.team_id", "decisions.id"],
            name="fk_decision_events_decision",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name="fk_decision_events_team_id_teams", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_decision_events"),
        sa.UniqueConstraint(
            "team_id", "idempotency_key", name="uq_decision_events_team_id_idempotency_key"
        ),
    )
    op.create_index("ix_decision_events_decision", "decision_events", ["team_id", "decision_id"])


def downgrade() -> None:
    op.drop_table("decision_events")
    op.drop_table("decisions")
    op.drop_table("teams")
