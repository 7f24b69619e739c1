"""app/posting against the Slack stand-in over real HTTP, with a client that never retries.

The stand-in is the end-to-end one (Alice, Bob, Carol, a bot, a deactivated user, #general),
plus a public channel the bot never joined and an archived one, for the refusals."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from app.domain import decisions
from app.domain.decisions import Declaration
from app.standin import SlackStandIn
from tests.e2e.conftest import ALICE, BOB, BOT_TOKEN, GENERAL, add_the_team

TEAM = "T0001"
OUTSIDE, ARCHIVED = "C0OUTSIDE", "C0ARCHIVED"


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn(bot_token=BOT_TOKEN) as running:
        add_the_team(running)
        running.add_channel(OUTSIDE, "outside", is_member=False)
        running.add_channel(ARCHIVED, "archived", is_archived=True)
        yield running


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
