"""Running totals of decisions per team, day, channel and decider, kept by triggers.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30

The dashboard's tally (app/domain/metrics.read_tally) read every decision opened or decided in its
period from covering indexes: ~190,000 index entries for a month of a team with a million
decisions, 60 ms on an idle machine and most of why `/decide stats` and a team's first Home
open missed 200 ms. `decision_day_counts` holds the same counts per UTC day, channel and
decider, and `decision_loads` the open decisions each person holds. Triggers record every
write to `decisions` as rows of `decision_count_changes`, which a sweep folds into both
(app/db/counts.py). The tally sums a month's totals and the changes not folded yet, and
counts only the first, partial day of its period from `decisions`. Existing decisions are
counted here once.
"""

import sqlalchemy as sa
from alembic import op

from app.db import counts

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def _count(name: str) -> sa.Column:
    return sa.Column(name, sa.Integer(), server_default="0", nullable=False)


def upgrade() -> None:
    op.create_table(
        counts.COUNTS,
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("decider_id", sa.String(length=32), nullable=False),
        *(_count(name) for name in counts.DAY_COLUMNS),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name="fk_decision_day_counts_team_id_teams",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "team_id", "day", "channel_id", "decider_id", name="pk_decision_day_counts"
        ),
    )  # fmt: skip
    op.create_index(
        "ix_decision_day_counts_channel", counts.COUNTS, ["team_id", "channel_id", "day"]
    )
    op.create_table(
        counts.LOADS,
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("decider_id", sa.String(length=32), nullable=False),
        _count("held"),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name="fk_decision_loads_team_id_teams", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("team_id", "channel_id", "decider_id", name="pk_decision_loads"),
    )
    op.create_table(
        counts.CHANGES,
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True,
            nullable=False,
        ),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("decider_id", sa.String(length=32), nullable=False),
        *(_count(name) for name in counts.CHANGE_COLUMNS),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name="fk_decision_count_changes_team_id_teams",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_decision_count_changes"),
    )  # fmt: skip
    op.create_index("ix_decision_count_changes_team", counts.CHANGES, ["team_id", "day"])
    bind = op.get_bind()
    counts.rebuild(bind)
    counts.create_triggers(bind)


def downgrade() -> None:
    counts.drop_triggers(op.get_bind())
    op.drop_index("ix_decision_count_changes_team", table_name=counts.CHANGES)
    op.drop_table(counts.CHANGES)
    op.drop_table(counts.LOADS)
    op.drop_index("ix_decision_day_counts_channel", table_name=counts.COUNTS)
    op.drop_table(counts.COUNTS)
