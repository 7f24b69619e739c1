"""Fixtures for the Slack stand-in's own tests: a started stand-in on a manual clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from app.standin import ManualClock, SlackStandIn

PROXY_VARS = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "http_proxy",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
    "SOCKS_PROXY",
    "socks_proxy",
)


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """slack_sdk honours proxy variables even for loopback; tests must never use one."""
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def standin(clock: ManualClock) -> Iterator[SlackStandIn]:
    with SlackStandIn(clock=clock) as running:
        # What the tests use, as a real install has them: the bot /invited to both channels.
        running.add_user("U1", "alice")
        running.add_channel("C1", "general")
        running.add_channel("C123", "random")
        yield running


@pytest.fixture
def client(standin: SlackStandIn) -> WebClient:
    """A WebClient with no retry handlers, so every answer is seen as sent."""
    return WebClient(base_url=standin.api_url, token=standin.bot_token, retry_handlers=[])
