"""Anonymity by construction: random ids, keyed dedupe hashes, and keys that are destroyed.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30

Retro respondents were stored as sha256(team:post:user), which anyone with the member list can
recompute, and respondent and answer rows took consecutive ids in the same order. From here on
anonymous rows take random 64-bit ids, their dedupe hashes are HMACs under a random key in
`anonymity_keys` that is deleted (and the hashes erased) when the retro closes or the report
window ends. Hashes already stored were made without a secret: they are erased here, which
costs nothing but the ability to recognise a redelivery of an old modal.
"""

import sqlalchemy as sa
from alembic import op

from app.db.types import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

RANDOM_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
KEYS = {
    "retro_answers": "dedupe_key",
    "retro_respondents": "respondent_key",
    "feedback_reports": "dedupe_key",
}
RANDOM_IDS = ("retro_answers", "retro_respondents", "feedback_reports", "poll_votes")


def upgrade() -> None:
    op.create_table(
        "anonymity_keys",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_anonymity_keys_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_anonymity_keys")),
        sa.UniqueConstraint("team_id", "scope", name=op.f("uq_anonymity_keys_team_id_scope")),
    )
    op.create_index("ix_anonymity_keys_expires", "anonymity_keys", ["expires_at"])
    for table, column in KEYS.items():
        op.execute(sa.text(f"UPDATE {table} SET {column} = NULL"))  # noqa: S608 - fixed names
        with op.batch_alter_table(table) as batch:
            batch.alter_column(column, existing_type=sa.String(length=64), nullable=True)
    if op.get_bind().dialect.name == "postgresql":
        for table in RANDOM_IDS:
            op.alter_column(table, "id", type_=sa.BigInteger(), existing_type=sa.Integer())


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in RANDOM_IDS:
            op.execute(sa.text(f"DELETE FROM {table} WHERE id > 2147483647"))  # noqa: S608
            op.alter_column(table, "id", type_=sa.Integer(), existing_type=sa.BigInteger())
    noise = (
        "md5(random()::text)"
        if op.get_bind().dialect.name == "postgresql"
        else "lower(hex(randomblob(16)))"
    )
    for table, column in KEYS.items():
        # A NOT NULL column again: erased hashes become noise that matches nothing.
        op.execute(sa.text(f"UPDATE {table} SET {column} = {noise} WHERE {column} IS NULL"))  # noqa: S608
        with op.batch_alter_table(table) as batch:
            batch.alter_column(column, existing_type=sa.String(length=64), nullable=False)
    op.drop_index("ix_anonymity_keys_expires", table_name="anonymity_keys")
    op.drop_table("anonymity_keys")
