"""slack_sdk's installation and OAuth state tables, in the project's metadata."""

from __future__ import annotations

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.models.base import (
    Base,
)

INSTALLATIONS_TABLE = "slack_installations"
BOTS_TABLE = "slack_bots"
OAUTH_STATES_TABLE = "slack_oauth_states"
SQLAlchemyInstallationStore.build_installations_table(Base.metadata, INSTALLATIONS_TABLE)
SQLAlchemyInstallationStore.build_bots_table(Base.metadata, BOTS_TABLE)
SQLAlchemyOAuthStateStore.build_oauth_states_table(Base.metadata, OAUTH_STATES_TABLE)


class OrgWorkspace(Base):
    """A workspace of an Enterprise Grid organisation that installed the app org-wide.

    The org's bot token is stored under the organisation (team_id null); data and scheduled
    jobs are per workspace, so a job finds its token through this row (app.installs)."""

    __tablename__ = "slack_org_workspaces"
    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    enterprise_id: Mapped[str] = mapped_column(String(32), index=True)
