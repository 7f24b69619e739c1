"""Shadow authority and forecasts: who the charter and the poll named, and the decider's forecast.

Revision ID: 0014
Revises: 0015
Create Date: 2026-11-30

Each decided decision keeps who the charter named for its domain and whom its expertise poll
recommended, as they stood when it was decided (a later charter change must not rewrite
history), and the forecast its decider may state (private until shared). Decisions decided
before this migration get the charter's person authority (a rotation's lead of the time is not
known any more) and their last closed poll's recommendation. Two partial indexes carry what the
shadow-authority and calibration figures read, so neither visits the table at a million rows;
polls and consensus checks get a (team, created) index for participation over a period.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0015"
branch_labels = None
depends_on = None

NAMED = "charter_authority_id IS NOT NULL OR poll_expert_id IS NOT NULL"
FORECAST = "forecast_confidence IS NOT NULL"


def upgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("charter_authority_id", sa.String(32), nullable=True))
        batch.add_column(sa.Column("poll_expert_id", sa.String(32), nullable=True))
        batch.add_column(sa.Column("forecast", sa.Text(), nullable=True))
        batch.add_column(sa.Column("forecast_confidence", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("forecast_by", sa.String(32), nullable=True))
        batch.add_column(
            sa.Column("forecast_shared", sa.Boolean(), nullable=False, server_default="0")
        )
    _backfill()
    op.create_index(
        "ix_decisions_team_named",
        "decisions",
        ["team_id", "decided_at"],
        postgresql_include=[
            "status", "channel_id", "decider_id", "charter_authority_id", "poll_expert_id",
            "domain",
        ],
        postgresql_where=sa.text(NAMED),
        sqlite_where=sa.text(NAMED),
    )  # fmt: skip
    op.create_index(
        "ix_decisions_team_forecast",
        "decisions",
        ["team_id", "decided_at"],
        postgresql_include=[
            "channel_id", "domain", "forecast_by", "forecast_confidence", "forecast_shared",
            "outcome",
        ],
        postgresql_where=sa.text(FORECAST),
        sqlite_where=sa.text(FORECAST),
    )  # fmt: skip
    # Whose voice is heard reads the polls and consensus checks of a period.
    op.create_index("ix_expertise_polls_team_created", "expertise_polls", ["team_id", "created_at"])
    op.create_index(
        "ix_consensus_checks_team_created", "consensus_checks", ["team_id", "created_at"]
    )
    op.create_index(
        "ix_poll_votes_ballots",
        "poll_votes",
        ["team_id", "poll_id"],
        postgresql_include=["voter_key", "nominee_id"],
    )


def _backfill() -> None:
    bind = op.get_bind()
    bind.execute(
        sa.text(
            "UPDATE decisions SET charter_authority_id = (SELECT authority_id "
            "FROM charter_domains WHERE charter_domains.team_id = decisions.team_id "
            "AND charter_domains.name = decisions.domain) "
            "WHERE status = 'decided' AND domain IS NOT NULL"
        )
    )
    polls = sa.table(
        "expertise_polls",
        sa.column("team_id", sa.String),
        sa.column("decision_id", sa.Integer),
        sa.column("status", sa.String),
        sa.column("closed_at", sa.DateTime),
        sa.column("result", sa.JSON),
    )
    rows = bind.execute(
        sa.select(polls.c.team_id, polls.c.decision_id, polls.c.result)
        .where(polls.c.status == "closed", polls.c.result.is_not(None))
        .order_by(polls.c.closed_at)
    )
    latest = {(team, decision): (found or {}).get("recommended") for team, decision, found in rows}
    for (team, decision), expert in latest.items():
        if expert:
            bind.execute(
                sa.text(
                    "UPDATE decisions SET poll_expert_id = :expert "
                    "WHERE team_id = :team AND id = :decision AND status = 'decided'"
                ),
                {"expert": expert, "team": team, "decision": decision},
            )


def downgrade() -> None:
    op.drop_index("ix_poll_votes_ballots", table_name="poll_votes")
    op.drop_index("ix_consensus_checks_team_created", table_name="consensus_checks")
    op.drop_index("ix_expertise_polls_team_created", table_name="expertise_polls")
    op.drop_index("ix_decisions_team_forecast", table_name="decisions")
    op.drop_index("ix_decisions_team_named", table_name="decisions")
    with op.batch_alter_table("decisions") as batch:
        for column in (
            "forecast_shared", "forecast_by", "forecast_confidence", "forecast",
            "poll_expert_id", "charter_authority_id",
        ):  # fmt: skip
            batch.drop_column(column)
