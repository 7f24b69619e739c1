"""The Web API client every call goes through: the configured API URL, slack_sdk's retries.

Its own module, light to import, so start-up checks (app.preflight) can use it before the
composition root (app.wiring) imports everything else.
"""

from __future__ import annotations

import logging
from http.client import RemoteDisconnected
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from app.config import Settings

RETRIED_CONNECTION_ERRORS = [URLError, ConnectionResetError, RemoteDisconnected, TimeoutError]


def make_web_client(
    settings: Settings, token: str | None = None, logger: logging.Logger | None = None
) -> WebClient:
    """The client every Web API call goes through, with slack_sdk's own retry handlers."""
    if token is None and settings.slack_bot_token is not None:
        token = settings.slack_bot_token.get_secret_value()
    return WebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=15,
        logger=logger,
        retry_handlers=[
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
            # Read timeouts too: a request that timed out is retried like a reset connection.
            ConnectionErrorRetryHandler(max_retry_count=2, error_types=RETRIED_CONNECTION_ERRORS),
        ],
    )
