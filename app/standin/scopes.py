"""Which OAuth scope each Web API method needs, and the scopes the app was installed with.

Why: Slack refuses a call whose token lacks the method's scope (``missing_scope`` with
``needed`` and ``provided``); a stand-in that checks no scopes lets the bot ship calls that
can never work (charts without ``files:write``). Each entry names the page of Slack's method
reference it comes from. The installed scopes default to manifest.yml's bot scopes, the one
source of truth that also feeds the OAuth install (app.installs.BOT_SCOPES is tested equal).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

REFERENCE = "https://api.slack.com/methods/"
MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yml"


@dataclass(frozen=True)
class Need:
    """A method's bot scope; ``by_kind`` when it depends on the conversation's kind."""

    scope: str | None
    source: str
    by_kind: dict[str, str] = field(default_factory=dict)


def _need(method: str, scope: str | None, **by_kind: str) -> Need:
    return Need(scope, REFERENCE + method, by_kind)


_READ = {"public": "channels:read", "private": "groups:read", "im": "im:read", "mpim": "mpim:read"}
_HISTORY = {
    "public": "channels:history",
    "private": "groups:history",
    "im": "im:history",
    "mpim": "mpim:history",
}

#: Every method the bot or the stand-in knows, with the scope its page lists for bot tokens.
METHOD_SCOPES: dict[str, Need] = {
    "auth.test": _need("auth.test", None),
    "apps.connections.open": _need("apps.connections.open", "connections:write"),
    "oauth.v2.access": _need("oauth.v2.access", None),
    "chat.postMessage": _need("chat.postMessage", "chat:write"),
    "chat.postEphemeral": _need("chat.postEphemeral", "chat:write"),
    "chat.update": _need("chat.update", "chat:write"),
    "chat.delete": _need("chat.delete", "chat:write"),
    "chat.getPermalink": _need("chat.getPermalink", None),
    "users.info": _need("users.info", "users:read"),
    "conversations.info": _need("conversations.info", "channels:read", **_READ),
    "conversations.members": _need("conversations.members", "channels:read", **_READ),
    "conversations.history": _need("conversations.history", "channels:history", **_HISTORY),
    "conversations.replies": _need("conversations.replies", "channels:history", **_HISTORY),
    "conversations.open": _need("conversations.open", "im:write", mpim="mpim:write"),
    "views.open": _need("views.open", None),
    "views.push": _need("views.push", None),
    "views.update": _need("views.update", None),
    "views.publish": _need("views.publish", None),
    "files.getUploadURLExternal": _need("files.getUploadURLExternal", "files:write"),
    "files.completeUploadExternal": _need("files.completeUploadExternal", "files:write"),
    "functions.completeSuccess": _need("functions.completeSuccess", None),
    "functions.completeError": _need("functions.completeError", None),
    "conversations.canvases.create": _need("conversations.canvases.create", "canvases:write"),
    "canvases.edit": _need("canvases.edit", "canvases:write"),
    "canvases.sections.lookup": _need("canvases.sections.lookup", "canvases:read"),
}

#: Bot events the app can subscribe to, with the scope each needs (api.slack.com/events/...,
#: "Required scopes"); which ones reach the app is subscriptions.py's.
EVENT_SCOPES: dict[str, str | None] = {
    "app_home_opened": None,
    "app_uninstalled": None,
    "tokens_revoked": None,
    "user_change": "users:read",
    "app_mention": "app_mentions:read",
    "message.channels": "channels:history",
    "message.groups": "groups:history",
    "message.im": "im:history",
    "message.mpim": "mpim:history",
    # Org-wide installs only; "As an app event, subscriptions require no specific OAuth
    # permission scope" (api.slack.com/events/team_access_granted).
    "app_installed": None,
    "app_uninstalled_team": None,
    "team_access_granted": None,
    "team_access_revoked": None,
}

#: slack_sdk helpers that are not one Web API method: the methods each one calls.
SDK_HELPERS: dict[str, tuple[str, ...]] = {
    "files_upload_v2": ("files.getUploadURLExternal", "files.completeUploadExternal"),
}


def needed_scope(method: str, kind: str | None = None) -> str | None:
    """The scope ``method`` needs (for a conversation of ``kind``), None when none is."""
    need = METHOD_SCOPES[method]
    return need.by_kind.get(kind or "", need.scope)


def manifest_bot_scopes(path: Path = MANIFEST) -> tuple[str, ...]:
    """``oauth_config.scopes.bot`` from manifest.yml (PyYAML is a test extra)."""
    import yaml

    manifest: Any = yaml.safe_load(path.read_text())
    return tuple(manifest["oauth_config"]["scopes"]["bot"])


@cache  # read once a process: every stand-in asks, and parsing the YAML takes ~10 ms
def installed_scopes() -> tuple[str, ...]:
    """What an install from manifest.yml grants; outside a checkout (no manifest.yml, or no
    PyYAML) the OAuth flow's list, which a test keeps equal to the manifest's."""
    try:
        return manifest_bot_scopes()
    except (ImportError, OSError):
        from app.installs import BOT_SCOPES

        return BOT_SCOPES
