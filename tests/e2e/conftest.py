"""The real bot in HTTP mode on 127.0.0.1, talking over real HTTP to the Slack stand-in."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.domain.clock import ManualClock
from app.server import BackgroundServer
from app.standin import SlackStandIn, Workspace
from app.standin.payloads import slash_command
from app.wiring import Runtime, build_runtime, make_wsgi_app

SIGNING_SECRET = "e2e-signing-secret"
BOT_TOKEN = "xoxb-e2e-token"
ALICE, BOB, CAROL = "U0ALICE", "U0BOB", "U0CAROL"
GENERAL = "C0GENERAL"


@dataclass
class Bot:
    runtime: Runtime
    server: BackgroundServer

    @property
    def url(self) -> str:
        return f"{self.server.url}/slack/events"

    def settle(self) -> None:
        self.runtime.settle()

    @property
    def sessions(self) -> sessionmaker[Session]:
        return self.runtime.deps.sessions


def add_the_team(fake: SlackStandIn) -> SlackStandIn:
    """Alice, Bob, Carol, a bot, a deactivated member, and #general with the bot in it."""
    fake.add_user(ALICE, "alice", tz="Europe/Berlin")
    fake.add_user(BOB, "bob", tz="America/New_York")
    fake.add_user(CAROL, "carol")
    fake.add_user("U0HELPER", "helperbot", is_bot=True)
    fake.add_user("U0GONE", "gone", deleted=True)
    fake.add_channel(GENERAL, "general")
    return fake


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn(bot_token=BOT_TOKEN) as fake:
        yield add_the_team(fake)


def bot_settings(standin: SlackStandIn, database_url: str) -> Settings:
    return Settings(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        database_url=database_url,
        slack_api_url=standin.api_url,
    )


@pytest.fixture
def bot(standin: SlackStandIn, database_url: str, clock: ManualClock) -> Iterator[Bot]:
    runtime = build_runtime(bot_settings(standin, database_url), "http", clock=clock)
    server = BackgroundServer(make_wsgi_app(runtime)).start()
    yield Bot(runtime, server)
    server.stop()
    runtime.close()


@pytest.fixture
def slack(standin: SlackStandIn, bot: Bot) -> Workspace:
    return Workspace(standin, bot_url=bot.url, signing_secret=SIGNING_SECRET)


@pytest.fixture
def errors_logged(caplog: pytest.LogCaptureFixture):
    """Fails the test if anything was logged at ERROR: an unhandled exception is a bug."""
    caplog.set_level(logging.INFO)
    yield caplog
    records = caplog.get_records("setup") + caplog.get_records("call")
    failures = [r for r in records if r.levelno >= logging.ERROR]
    assert not failures, [r.getMessage() for r in failures]


def command_body(standin: SlackStandIn, user: str, text: str, channel: str = GENERAL) -> str:
    """One slash command's exact body, to deliver more than once."""
    fields = slash_command(
        standin, user=user, channel=channel, text=text, command="/decide", api_app_id="A0001"
    )
    return urlencode(fields)


def start_bot(standin: SlackStandIn, database_url: str, clock: ManualClock, **options) -> Bot:
    """Another bot process on the same database (for restarts); stop it with `stop_bot`."""
    runtime = build_runtime(bot_settings(standin, database_url), "http", clock=clock, **options)
    return Bot(runtime, BackgroundServer(make_wsgi_app(runtime)).start())


def stop_bot(bot: Bot) -> None:
    bot.server.stop()
    bot.runtime.close()
