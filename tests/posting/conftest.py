"""app/posting against the Slack stand-in over real HTTP, with a client that never retries."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient

from app.domain import decisions
from app.domain.decisions import Declaration
from app.standin import SlackStandIn
from tests.e2e.conftest import ALICE, BOB, GENERAL, standin

__all__ = ["standin"]  # the e2e stand-in: Alice, Bob, Carol and #general
TEAM = "T0001"


@pytest.fixture
def client(standin: SlackStandIn) -> WebClient:
    """Every refusal is seen as Slack sent it: no retry handlers."""
    return WebClient(base_url=standin.api_url, token=standin.bot_token, retry_handlers=[])


@pytest.fixture
def open_decision(sessions, clock):
    """Store an open decision (no card yet) in `channel`; returns its id."""

    def make(title: str = "Pick the billing database", channel: str = GENERAL) -> int:
        with sessions.begin() as session:
            decision, _ = decisions.open_decision(
                session,
                team_id=TEAM,
                declaration=Declaration(title=title, channel_id=channel, decider_id=BOB),
                actor_id=ALICE,
                origin_key=f"test:{title}:{channel}",
                now=clock.now(),
            )
            return decision.id

    return make
