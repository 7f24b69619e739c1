"""Let the dashboard's tally read decisions from indexes alone (PostgreSQL); index Home's lists.

Revision ID: 0017
Revises: 0012
Create Date: 2026-11-30

The tally (app/domain/metrics._tally) counts the decisions opened in a period, those decided
in it and those open now, grouped by decider. At a million decisions its one query with an OR
made PostgreSQL read the whole table (a parallel sequential scan, 23,600 pages). It now reads
three disjoint ranges, each from an index that carries every column it counts: the
(team_id, created_at) and (team_id, decided_at) indexes gain those columns, and a partial index
holds the open decisions, keyed so that Home lists a person's open decisions by deadline from it
too; another partial index lists a person's decisions awaiting an outcome review. A channel's stats
read the same ranges from `(team_id, channel_id, created_at)` (now covering) and a new
`(team_id, channel_id, decided_at)`, not the whole team's, filtered. SQLite has no
INCLUDE; it gets the two partial indexes only.
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0012"
branch_labels = None
depends_on = None

TALLIED = [
    "decider_id",
    "status",
    "framework",
    "decider_rule",
    "outcome",
    "channel_id",
    "decided_at",
]
CHANNEL_TALLIED = ["decider_id", "status", "framework", "decider_rule", "outcome", "decided_at"]
OPEN = sa.text("status IN ('open', 'escalated')")
UNREVIEWED = sa.text("status = 'decided' AND outcome IS NULL")


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.drop_index("ix_decisions_team_created", table_name="decisions")
        op.create_index(
            "ix_decisions_team_created",
            "decisions",
            ["team_id", "created_at"],
            postgresql_include=TALLIED,
        )
        op.drop_index("ix_decisions_team_decided", table_name="decisions")
        op.create_index(
            "ix_decisions_team_decided",
            "decisions",
            ["team_id", "decided_at"],
            postgresql_include=["created_at", *TALLIED[:-1]],
        )
    if postgresql:
        op.drop_index("ix_decisions_team_channel", table_name="decisions")
        op.create_index(
            "ix_decisions_team_channel",
            "decisions",
            ["team_id", "channel_id", "created_at"],
            postgresql_include=CHANNEL_TALLIED,
        )
    op.create_index(
        "ix_decisions_team_channel_decided",
        "decisions",
        ["team_id", "channel_id", "decided_at"],
        postgresql_include=["created_at", *CHANNEL_TALLIED[:-1]],
    )
    op.create_index(
        "ix_decisions_team_open",
        "decisions",
        ["team_id", "decider_id", "deadline", "created_at"],
        postgresql_include=TALLIED[1:],
        postgresql_where=OPEN,
        sqlite_where=OPEN,
    )
    op.create_index(
        "ix_decisions_team_unreviewed",
        "decisions",
        ["team_id", "decider_id", "decided_at"],
        postgresql_where=UNREVIEWED,
        sqlite_where=UNREVIEWED,
    )


def downgrade() -> None:
    op.drop_index("ix_decisions_team_unreviewed", table_name="decisions")
    op.drop_index("ix_decisions_team_open", table_name="decisions")
    op.drop_index("ix_decisions_team_channel_decided", table_name="decisions")
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_decisions_team_channel", table_name="decisions")
    op.create_index(
        "ix_decisions_team_channel", "decisions", ["team_id", "channel_id", "created_at"]
    )
    op.drop_index("ix_decisions_team_decided", table_name="decisions")
    op.create_index(
        "ix_decisions_team_decided", "decisions", ["team_id", "decided_at"],
        postgresql_include=["created_at"],
    )  # fmt: skip
    op.drop_index("ix_decisions_team_created", table_name="decisions")
    op.create_index("ix_decisions_team_created", "decisions", ["team_id", "created_at"])
