"""Start-up checks: a refused token, an unreachable Web API or database is one line.

Why: a setup mistake is the operator's to fix, so it becomes a `SettingsError` naming the
setting and what to do, raised before any thread starts, instead of a library traceback.
Error names from Slack's reference pages for auth.test and apps.connections.open.
"""

from __future__ import annotations

import logging
from http.client import HTTPException

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine

from app.config import Settings, SettingsError
from app.db.engine import check_database
from app.slack_client import make_web_client

# The checks' clients log nothing: a failure is reported once, as the check's own line, and
# slack_sdk's notes about retrying a refused connection would only come before it.
QUIET = logging.getLogger(__name__ + ".client")
QUIET.setLevel(logging.CRITICAL)
QUIET.propagate = False

WHERE_BOT_XOXB = "the Bot User OAuth Token (xoxb-...) on the app's OAuth & Permissions page"
WHERE_APP_XAPP = (
    "an App-Level Token (xapp-...) with the connections:write scope "
    "on the app's Basic Information page"
)
REINSTALL = "reinstall the app to the workspace (Install App page), then "
# What each refusal of a token means in the operator's terms, and what to do before copying it.
TOKEN_REFUSALS = {
    "not_authed": ("no token reached Slack", ""),
    "invalid_auth": ("Slack does not know this token", ""),
    "token_revoked": ("the token was revoked or the app uninstalled", REINSTALL),
    "token_expired": ("the token has expired", REINSTALL),
    "account_inactive": ("the bot user or its workspace was deactivated", REINSTALL),
    "not_allowed_token_type": ("this kind of token cannot make the call", ""),
    "missing_scope": ("the token lacks the scope the call needs", ""),
}


def check_setup(settings: Settings, engine: Engine) -> None:
    """The database answers and, with a single bot token, Slack accepts it: else one line."""
    check_database(engine)
    if not settings.oauth_enabled and settings.slack_bot_token is not None:
        check_bot_token(make_web_client(settings, logger=QUIET))


def check_bot_token(client: WebClient) -> None:
    """auth.test with the bot token: it works, or one line says what to do."""
    try:
        client.auth_test()
    except SlackApiError as exc:
        raise _refused("SLACK_BOT_TOKEN", "auth.test", exc, WHERE_BOT_XOXB, client) from None
    except (OSError, HTTPException) as exc:
        raise _unreachable(client, exc) from None


def open_socket_url(client: WebClient, app_token: str) -> str:
    """apps.connections.open with the app-level token; the WebSocket URL it hands out."""
    try:
        return str(client.apps_connections_open(app_token=app_token)["url"])
    except SlackApiError as exc:
        raise _refused(
            "SLACK_APP_TOKEN", "apps.connections.open", exc, WHERE_APP_XAPP, client
        ) from None
    except (OSError, HTTPException) as exc:
        raise _unreachable(client, exc) from None


def _unreachable(client: WebClient, exc: BaseException) -> SettingsError:
    return SettingsError(
        f"SLACK_API_URL {client.base_url} cannot be reached ({_why(exc)}): check this "
        "machine's network, DNS and proxy settings, or correct SLACK_API_URL "
        "(leave it unset for https://slack.com/api/)."
    )


def _refused(
    setting: str, method: str, exc: SlackApiError, where: str, client: WebClient
) -> SettingsError:
    error = str(exc.response.get("error") or f"HTTP {exc.response.status_code}")
    if error not in TOKEN_REFUSALS:
        return SettingsError(
            f"SLACK_API_URL {client.base_url} answered {method} with "
            f"{_one_line(error)[:120]}: check that SLACK_API_URL is Slack's Web API "
            "(leave it unset for https://slack.com/api/), then try again."
        )
    meaning, first = TOKEN_REFUSALS[error]
    return SettingsError(
        f"{setting} was refused by Slack ({error}: {meaning}): {first}set {setting} to {where}."
    )


def _why(exc: BaseException) -> str:
    """urllib wraps the socket's error in URLError.reason; its strerror is the plain words."""
    cause = getattr(exc, "reason", None) or exc
    return _one_line(getattr(cause, "strerror", None) or cause or type(cause).__name__)


def _one_line(value: object) -> str:
    return " ".join(str(value).split())
