"""A started Slack stand-in and a WebClient for it: posting code talks real HTTP here."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from app.standin import SlackStandIn

ALICE = "U0ALICE"
GENERAL, OUTSIDE, ARCHIVED = "C0GENERAL", "C0OUTSIDE", "C0ARCHIVED"


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as running:
        running.add_user(ALICE, "alice")
        running.add_channel(GENERAL, "general")
        running.add_channel(OUTSIDE, "outside", is_member=False)
        running.add_channel(ARCHIVED, "archived", is_archived=True)
        yield running


@pytest.fixture
def client(standin: SlackStandIn) -> WebClient:
    """No retry handlers: every answer the stand-in gives is the answer the code sees."""
    return WebClient(base_url=standin.api_url, token=standin.bot_token, retry_handlers=[])
