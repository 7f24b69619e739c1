"""Store each closed poll's number of ballots on the poll, and index the closed polls.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01

The dashboard's poll figures (app/domain/metrics._polls: closed polls in scope, by when they
closed, and the ballots they received) probed the ballots index once per closed poll: 8,000
probes for a month of a team with a million decisions, 30-40 ms. A closed poll takes no more
ballots and closing keeps every ballot row (an anonymous poll's voter keys become noise), so
the count is fixed when the poll closes: `responses` holds it, written by closing from the
ballots it scored (app/domain/poll_service.close_poll), NULL while the poll is open. The polls
closed before this migration are counted here, from their ballots. The figures then read
partial indexes of the closed polls that carry the count: a team's by when they closed (1 ms
for that month), a channel's by channel first, so that a channel's figures do not filter the
whole team's polls (PostgreSQL; SQLite has no INCLUDE and reads the rows each index finds).
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

CLOSED = sa.text("status = 'closed'")


def upgrade() -> None:
    op.add_column("expertise_polls", sa.Column("responses", sa.Integer(), nullable=True))
    op.execute(
        sa.text(
            "UPDATE expertise_polls SET responses = ("
            "SELECT count(*) FROM poll_votes"
            " WHERE poll_votes.team_id = expertise_polls.team_id"
            " AND poll_votes.poll_id = expertise_polls.id"
            ") WHERE status = 'closed'"
        )
    )
    op.create_index(
        "ix_expertise_polls_team_closed",
        "expertise_polls",
        ["team_id", "closed_at"],
        postgresql_include=["channel_id", "responses"],
        postgresql_where=CLOSED,
        sqlite_where=CLOSED,
    )
    op.create_index(
        "ix_expertise_polls_channel_closed",
        "expertise_polls",
        ["team_id", "channel_id", "closed_at"],
        postgresql_include=["responses"],
        postgresql_where=CLOSED,
        sqlite_where=CLOSED,
    )


def downgrade() -> None:
    op.drop_index("ix_expertise_polls_channel_closed", table_name="expertise_polls")
    op.drop_index("ix_expertise_polls_team_closed", table_name="expertise_polls")
    op.drop_column("expertise_polls", "responses")
