"""Several workspaces on one stand-in, each with its own bot token, and the OAuth exchange
(``oauth.v2.access``) that hands those tokens out.

Why: a bot installed into many workspaces must be tested the way Slack installs it: an OAuth
code exchanged once for a bot token, calls answered as the workspace the token belongs to,
token rotation, and tokens that stop working when the app is uninstalled.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from app.standin.state import APP_ID, BOT_ID, BOT_USER_ID, StandInState

Json = dict[str, Any]
CLIENT_ID = "1111.2222"
CLIENT_SECRET = "standin-client-secret"  # a fake secret for a fake Slack
TOKEN_LIFETIME = 12 * 3600  # what Slack gives a rotating bot token


@dataclass(frozen=True)
class Team:
    """One workspace the app is installed in, and its bot user there."""

    id: str  # T… for a workspace, E… for an organisation installed org-wide
    domain: str
    bot_user_id: str = BOT_USER_ID
    bot_id: str = BOT_ID

    @property
    def is_enterprise(self) -> bool:
        return self.id[:1] == "E"

    @property
    def name(self) -> str:
        return self.domain.capitalize()

    @property
    def url(self) -> str:
        """auth.test's `url`: an organisation installed org-wide answers with its Enterprise
        Grid domain, a workspace with its own."""
        if self.is_enterprise:
            return f"https://{self.domain}.enterprise.slack.com/"
        return f"https://{self.domain}.slack.com/"


@dataclass(frozen=True)
class _Token:
    team_id: str
    expires_at: float | None = None


@dataclass(frozen=True)
class _Code:
    team_id: str
    bot_token: str | None
    installer: str
    scope: str


class Installs(StandInState):
    """Teams, bot tokens, OAuth codes and refresh tokens (all guarded by ``self._cond``)."""

    client_id = CLIENT_ID
    client_secret = CLIENT_SECRET
    scopes: tuple[str, ...] = ()

    def _init_installs(self, bot_token: str) -> None:
        #: With rotation on, issued tokens expire and come with a refresh token.
        self.token_rotation = False
        self.token_lifetime = float(TOKEN_LIFETIME)
        self._teams = {self.team_id: Team(self.team_id, self.team_domain)}
        self._tokens = {bot_token: _Token(self.team_id)}
        self._codes: dict[str, _Code] = {}
        self._refresh: dict[str, str] = {}  # refresh token -> team id
        self._current: Team | None = None  # the team whose token made the call in progress
        #: Teams (T…, or E… for an org-wide install) that uninstalled the app and have not
        #: installed it again: Slack sends them nothing but AFTER_UNINSTALL (check_event).
        self._uninstalled: set[str] = set()

    def add_install(
        self,
        team_id: str,
        team_domain: str,
        bot_token: str | None = None,
        *,
        installer: str = "U0INSTALLER",
        scope: str | None = None,
    ) -> str:
        """Register a workspace (or, with an ``E…`` id, an Enterprise Grid organisation installing
        the app org-wide); the returned code, exchanged once, yields its bot token."""
        with self._cond:
            if team_id not in self._teams:
                team = Team(team_id, team_domain, f"UB{team_id}", f"B{team_id}")
                self._teams[team_id] = team
                self.add_user(team.bot_user_id, "deference", real_name="Deference", is_bot=True)
            code = f"{secrets.randbelow(10**12)}.{secrets.token_hex(16)}"
            granted = scope if scope is not None else ",".join(self.scopes)
            self._codes[code] = _Code(team_id, bot_token, installer, granted)
            return code

    def uninstall(self, team_id: str) -> None:
        """What uninstalling does on Slack's side: the team's tokens stop working, and from now
        on the app hears from that team only ``app_uninstalled`` and ``tokens_revoked``
        (``is_installed``; subscriptions.AFTER_UNINSTALL), until it is installed again."""
        with self._cond:
            self._tokens = {t: v for t, v in self._tokens.items() if v.team_id != team_id}
            self._refresh = {r: t for r, t in self._refresh.items() if t != team_id}
            self._uninstalled.add(team_id)

    def is_installed(self, team_id: str) -> bool:
        """Whether the app is installed on ``team_id`` (a workspace, or an organisation
        installed org-wide): false after ``uninstall`` until an OAuth code is exchanged again."""
        with self._cond:
            return team_id not in self._uninstalled

    def team(self, team_id: str) -> Team:
        with self._cond:
            return self._teams[team_id]

    def bot_user_id(self, team_id: str) -> str:
        """The app's bot user in that team (a team never installed: the default's)."""
        with self._cond:
            team = self._teams.get(team_id)
            return team.bot_user_id if team else BOT_USER_ID

    def team_of_token(self, token: str | None) -> str | None:
        """The team a live bot token belongs to (None when unknown or revoked)."""
        with self._cond:
            entry = self._tokens.get(token or "")
            return entry.team_id if entry else None

    def _caller(self) -> Team:
        return self._current or self._teams[self.team_id]

    def _bot_token_state(self, token: str | None) -> tuple[str | None, str | None]:
        """(``"bot"``, team) for a live bot token, (``"expired"``, team), or (None, None)."""
        with self._cond:
            entry = self._tokens.get(token or "")
            if entry is None:
                return None, None
            if entry.expires_at is not None and entry.expires_at <= self.clock():
                return "expired", entry.team_id
            return "bot", entry.team_id

    def _as_team(self, team_id: str | None) -> Team | None:
        return self._teams.get(team_id) if team_id else None

    # -- oauth.v2.access (no token: the app authenticates with its client id and secret) --

    def _m_oauth_v2_access(self, p: Json) -> Json:
        if p.get("client_id") != self.client_id:
            return {"ok": False, "error": "invalid_client_id"}
        if p.get("client_secret") != self.client_secret:
            return {"ok": False, "error": "bad_client_secret"}
        if p.get("grant_type") == "refresh_token":
            refresh = str(p.get("refresh_token") or "")
            team_id = self._refresh.get(refresh)
            if team_id is None:
                return {"ok": False, "error": "invalid_refresh_token"}
            return self._grant(team_id, None, ",".join(self.scopes), refresh)
        if p.get("grant_type") not in (None, "", "authorization_code"):
            return {"ok": False, "error": "unsupported_grant_type"}
        code = self._codes.pop(str(p.get("code") or ""), None)
        if code is None:
            return {"ok": False, "error": "invalid_code"}
        body = self._grant(code.team_id, code.bot_token, code.scope, None)
        body["authed_user"] = {"id": code.installer}
        return body

    def _grant(self, team_id: str, token: str | None, scope: str, refresh: str | None) -> Json:
        team = self._teams[team_id]
        token = token or f"xoxb-{team_id.lower()}-{secrets.token_hex(12)}"
        lifetime = self.token_lifetime if self.token_rotation else None
        expires_at = self.clock() + lifetime if lifetime is not None else None
        self._tokens[token] = _Token(team_id, expires_at)
        self._uninstalled.discard(team_id)  # installed again
        body: Json = {
            "ok": True,
            "app_id": APP_ID,
            "scope": scope,
            "token_type": "bot",
            "access_token": token,
            "bot_user_id": team.bot_user_id,
            "team": None if team.is_enterprise else {"id": team.id, "name": team.name},
            "enterprise": {"id": team.id, "name": team.name} if team.is_enterprise else None,
            "is_enterprise_install": team.is_enterprise,
        }
        if lifetime is not None:
            refresh = refresh or f"xoxe-1-{secrets.token_hex(16)}"
            self._refresh[refresh] = team_id
            body.update(refresh_token=refresh, expires_in=int(lifetime))
        return body
