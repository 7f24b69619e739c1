"""OAuth installs (slack_sdk's installation and state store tables, in its layout) and the
indexes the decision log needs at a million decisions.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-14
"""

import logging

import sqlalchemy as sa
from alembic import op

from app.db.migrate import TRIGRAM_INDEXES

log = logging.getLogger(__name__)
DECISION_INDEXES = {
    "ix_decisions_team_decided": ["team_id", "decided_at"],
    "ix_decisions_team_decider": ["team_id", "decider_id", "status"],
    "ix_decisions_team_channel": ["team_id", "channel_id", "created_at"],
}

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _bot_columns() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("client_id", sa.String(32), nullable=False),
        sa.Column("app_id", sa.String(32), nullable=False),
        sa.Column("enterprise_id", sa.String(32)),
        sa.Column("enterprise_name", sa.String(200)),
    ]


def _bot_token_columns() -> list[sa.Column]:
    return [
        sa.Column("bot_token", sa.String(200)),
        sa.Column("bot_id", sa.String(32)),
        sa.Column("bot_user_id", sa.String(32)),
        sa.Column("bot_scopes", sa.String(1000)),
        sa.Column("bot_refresh_token", sa.String(200)),
        sa.Column("bot_token_expires_at", sa.DateTime()),
    ]


def upgrade() -> None:
    for name, columns in DECISION_INDEXES.items():
        op.create_index(name, "decisions", columns)
    if op.get_bind().dialect.name == "postgresql":
        _trigram_indexes()
    op.create_table(
        "slack_installations",
        *_bot_columns(),
        sa.Column("enterprise_url", sa.String(200)),
        sa.Column("team_id", sa.String(32)),
        sa.Column("team_name", sa.String(200)),
        *_bot_token_columns(),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("user_token", sa.String(200)),
        sa.Column("user_scopes", sa.String(1000)),
        sa.Column("user_refresh_token", sa.String(200)),
        sa.Column("user_token_expires_at", sa.DateTime()),
        sa.Column("incoming_webhook_url", sa.String(200)),
        sa.Column("incoming_webhook_channel", sa.String(200)),
        sa.Column("incoming_webhook_channel_id", sa.String(200)),
        sa.Column("incoming_webhook_configuration_url", sa.String(200)),
        sa.Column("is_enterprise_install", sa.Boolean(), nullable=False),
        sa.Column("token_type", sa.String(32)),
        sa.Column("installed_at", sa.DateTime(), nullable=False),
    )
    op.create_index(
        "slack_installations_idx",
        "slack_installations",
        ["client_id", "enterprise_id", "team_id", "user_id", "installed_at"],
    )
    op.create_table(
        "slack_bots",
        *_bot_columns(),
        sa.Column("team_id", sa.String(32)),
        sa.Column("team_name", sa.String(200)),
        *_bot_token_columns(),
        sa.Column("is_enterprise_install", sa.Boolean(), nullable=False),
        sa.Column("installed_at", sa.DateTime(), nullable=False),
    )
    op.create_index(
        "slack_bots_idx", "slack_bots", ["client_id", "enterprise_id", "team_id", "installed_at"]
    )
    op.create_table(
        "slack_oauth_states",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("state", sa.String(200), nullable=False),
        sa.Column("expire_at", sa.DateTime(), nullable=False),
    )


def _trigram_indexes() -> None:
    """GIN trigram indexes make `/decide log <rare word>` fast; they need the pg_trgm extension,
    which a managed database may not allow: then the search still works, only slower."""
    bind = op.get_bind()
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError as exc:
        log.warning("pg_trgm is not available (%s); the log search has no trigram index", exc)
        return
    for name in sorted(TRIGRAM_INDEXES):
        column = name.removeprefix("ix_decisions_").removesuffix("_trgm")
        bind.execute(sa.text(f"CREATE INDEX {name} ON decisions USING gin ({column} gin_trgm_ops)"))


def downgrade() -> None:
    for name in sorted(TRIGRAM_INDEXES):
        op.execute(f"DROP INDEX IF EXISTS {name}")
    for name in DECISION_INDEXES:
        op.drop_index(name, table_name="decisions")
    op.drop_table("slack_oauth_states")
    op.drop_index("slack_bots_idx", table_name="slack_bots")
    op.drop_table("slack_bots")
    op.drop_index("slack_installations_idx", table_name="slack_installations")
    op.drop_table("slack_installations")
