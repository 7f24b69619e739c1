"""Installing into many workspaces: Bolt's OAuth flow over slack_sdk's SQLAlchemy stores.

The stores keep their rows in the project's database (tables declared in app.db.models, created
by migration 0005), so every worker sees every install. Requests are authorised by Bolt's
InstallationStoreAuthorize (cached, with token rotation); scheduled jobs have no request, so
`TeamClients` looks the team's bot token up in the same store, rotating it when it is about to
expire, and hands out one WebClient per team.

Org-wide installs (Enterprise Grid, `org_deploy_enabled`): Slack issues one bot token for the
organisation and slack_sdk stores it under the enterprise id with no team. Bolt finds it by
`is_enterprise_install` on every request. The bot's data stays per workspace, so `OrgWorkspaces`
remembers which organisation each workspace that used the bot belongs to (migration 0007);
a scheduled job for a workspace finds the organisation's token through it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy import Engine, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.config import Settings
from app.db.models import BOTS_TABLE, INSTALLATIONS_TABLE, OAUTH_STATES_TABLE, OrgWorkspace

log = logging.getLogger(__name__)

# Exactly manifest.yml's oauth_config.scopes.bot (the manifest is not in the package;
# tests/test_manifest.py keeps the two equal). An install grants these to the bot.
BOT_SCOPES = (
    "commands",
    "chat:write",
    "users:read",
    "channels:read",
    "groups:read",
    "channels:history",
    "groups:history",
    "files:write",
    "canvases:read",
    "canvases:write",
)
ROTATE_MINUTES = 120  # rotate a bot token this long before it expires
STATE_SECONDS = 600


class NotInstalled(LookupError):
    """No bot token is stored for this team (never installed, or uninstalled)."""


@dataclass(frozen=True)
class OAuth:
    """The pieces Bolt needs for multi-workspace installs."""

    installations: SQLAlchemyInstallationStore
    settings: OAuthSettings
    authorize: InstallationStoreAuthorize
    orgs: OrgWorkspaces


def make_oauth(settings: Settings, engine: Engine) -> OAuth:
    client_id = settings.slack_client_id or ""
    secret = settings.slack_client_secret.get_secret_value() if settings.slack_client_secret else ""
    store = installation_store(settings, engine)
    states = SQLAlchemyOAuthStateStore(
        expiration_seconds=STATE_SECONDS, engine=engine, table_name=OAUTH_STATES_TABLE
    )
    oauth_settings = OAuthSettings(
        client_id=client_id,
        client_secret=secret,
        scopes=list(BOT_SCOPES),
        redirect_uri=settings.slack_oauth_redirect_url,
        authorization_url=settings.slack_oauth_authorize_url,
        installation_store=store,
        installation_store_bot_only=True,
        token_rotation_expiration_minutes=ROTATE_MINUTES,
        state_store=states,
        install_page_rendering_enabled=False,
    )
    authorize = InstallationStoreAuthorize(
        logger=logging.getLogger("slack_bolt"),
        installation_store=store,
        client_id=client_id,
        client_secret=secret,
        token_rotation_expiration_minutes=ROTATE_MINUTES,
        bot_only=True,
        cache_enabled=True,
    )
    return OAuth(store, oauth_settings, authorize, OrgWorkspaces(engine))


def installation_store(settings: Settings, engine: Engine) -> SQLAlchemyInstallationStore:
    return SQLAlchemyInstallationStore(
        client_id=settings.slack_client_id or "",
        engine=engine,
        bots_table_name=BOTS_TABLE,
        installations_table_name=INSTALLATIONS_TABLE,
        logger=logging.getLogger("slack_sdk.oauth"),
    )


class OrgWorkspaces:
    """workspace -> the Enterprise Grid organisation whose org-wide install serves it."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._known: dict[str, str] = {}
        self._lock = threading.Lock()

    def remember(self, team_id: str, enterprise_id: str) -> None:
        """Called on every org-wide request; writes once per workspace and process."""
        with self._lock:
            if self._known.get(team_id) == enterprise_id:
                return
        try:
            with Session(self._engine) as session, session.begin():
                session.merge(OrgWorkspace(team_id=team_id, enterprise_id=enterprise_id))
        except IntegrityError:  # another worker remembered it at the same moment
            log.debug("workspace %s already remembered", team_id)
        with self._lock:
            self._known[team_id] = enterprise_id

    def enterprise_of(self, team_id: str) -> str | None:
        with self._lock:
            if team_id in self._known:
                return self._known[team_id]
        with Session(self._engine) as session:
            return session.scalar(
                select(OrgWorkspace.enterprise_id).where(OrgWorkspace.team_id == team_id)
            )

    def forget(self, enterprise_id: str) -> list[str]:
        """Drop the organisation's workspaces (it uninstalled the app); returns them."""
        with Session(self._engine) as session, session.begin():
            teams = list(
                session.scalars(
                    select(OrgWorkspace.team_id).where(OrgWorkspace.enterprise_id == enterprise_id)
                )
            )
            session.execute(delete(OrgWorkspace).where(OrgWorkspace.enterprise_id == enterprise_id))
        with self._lock:
            for team in teams:
                self._known.pop(team, None)
        return teams


class TeamClients:
    """team_id -> a WebClient holding that team's current bot token (for scheduled jobs)."""

    def __init__(
        self,
        store: SQLAlchemyInstallationStore,
        make_client: Callable[[str | None], WebClient],
        client_id: str,
        client_secret: str,
        orgs: OrgWorkspaces | None = None,
    ) -> None:
        self._store = store
        self._orgs = orgs
        self._make_client = make_client
        self._rotator = TokenRotator(
            client_id=client_id, client_secret=client_secret, client=make_client(None)
        )
        self._clients: dict[str, WebClient] = {}
        self._lock = threading.Lock()

    def __call__(self, team_id: str) -> WebClient:
        bot = self._store.find_bot(enterprise_id=None, team_id=team_id)
        org = self._orgs.enterprise_of(team_id) if bot is None and self._orgs else None
        if org is not None:
            bot = self._store.find_bot(enterprise_id=org, team_id=None, is_enterprise_install=True)
        if bot is None or not bot.bot_token:
            raise NotInstalled(f"team {team_id} has no installation")
        if bot.bot_refresh_token:
            rotated = self._rotator.perform_bot_token_rotation(
                bot=bot, minutes_before_expiration=ROTATE_MINUTES
            )
            if rotated is not None:
                self._store.save_bot(rotated)
                bot = rotated
        with self._lock:
            client = self._clients.get(team_id)
            if client is None or client.token != bot.bot_token:
                client = self._clients[team_id] = self._make_client(bot.bot_token)
            return client


def forget_team(
    store: SQLAlchemyInstallationStore,
    team_id: str,
    authorize: InstallationStoreAuthorize | None = None,
) -> None:
    """Delete the team's bot and installation rows (uninstall, tokens revoked, purge).

    Bolt's authorize cache is keyed by token and only consulted after the store has found one,
    so a deleted team is refused anyway; its entries are dropped so they do not linger.
    """
    store.delete_all(enterprise_id=None, team_id=team_id)
    _drop_cached(authorize, lambda result: result.team_id == team_id)


def forget_org(
    store: SQLAlchemyInstallationStore,
    orgs: OrgWorkspaces,
    enterprise_id: str,
    authorize: InstallationStoreAuthorize | None = None,
) -> list[str]:
    """Delete an org-wide install; returns the organisation's workspaces that used the bot."""
    store.delete_all(enterprise_id=enterprise_id, team_id=None)
    _drop_cached(authorize, lambda result: result.enterprise_id == enterprise_id)
    return orgs.forget(enterprise_id)


def _drop_cached(authorize: InstallationStoreAuthorize | None, gone: Callable) -> None:
    if authorize is None:
        return
    cache = authorize.authorize_result_cache
    for token, result in list(cache.items()):
        if gone(result):
            cache.pop(token, None)
