"""The rules a real team tripped over: how a decider was chosen, and objections with reasons.

Revision ID: 0012
Revises: 0016
Create Date: 2026-11-30

`decisions.decider_rule` names the tiebreaker rule that chose the current decider (None when a
person, a poll's clear result or a rotation chose), so the card and the stats never call a
tiebreaker's pick "expertise". `decisions.objected_by`/`objection` say on the card who objected
in a consensus check and why, until the objection is withdrawn or a new decider is named;
`consensus_votes.reason` keeps each objection's reason with the check.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("decider_rule", sa.String(32), nullable=True))
        batch.add_column(sa.Column("objected_by", sa.String(32), nullable=True))
        batch.add_column(sa.Column("objection", sa.Text(), nullable=True))
    with op.batch_alter_table("consensus_votes") as batch:
        batch.add_column(sa.Column("reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("consensus_votes") as batch:
        batch.drop_column("reason")
    with op.batch_alter_table("decisions") as batch:
        batch.drop_column("objection")
        batch.drop_column("objected_by")
        batch.drop_column("decider_rule")
