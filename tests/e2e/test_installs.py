"""Many workspaces: installed through OAuth, each served with its own token and its own data,
and an uninstall that stops the team's schedules and its access."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from app.config import Settings
from app.db.models import ChannelSchedule, Decision
from app.jobs.front_door import channel_job_id
from app.server import BackgroundServer
from app.standin import SlackStandIn, Workspace
from app.standin.installs import CLIENT_ID, CLIENT_SECRET
from app.wiring import build_runtime, make_wsgi_app
from tests.e2e.conftest import ALICE, BOB, GENERAL, SIGNING_SECRET, Bot
from tests.e2e.oauth import browse, install

ALPHA, BETA = "T0001", "T0BETA"
BETA_CHANNEL = "C0BETA"
B1, B2 = "U0BETA1", "U0BETA2"


@pytest.fixture
def oauth_bot(standin: SlackStandIn, database_url: str, clock) -> Iterator[Bot]:
    """The bot with OAuth installs and no SLACK_BOT_TOKEN, its scheduler persisting jobs."""
    settings = Settings(
        slack_signing_secret=SIGNING_SECRET,
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
        database_url=database_url,
        slack_api_url=standin.api_url,
    )
    runtime = build_runtime(settings, "http", clock=clock, scheduler="paused")
    server = BackgroundServer(make_wsgi_app(runtime)).start()
    yield Bot(runtime, server)
    server.stop()
    runtime.close()


@pytest.fixture
def teams(oauth_bot: Bot, standin: SlackStandIn) -> tuple[Workspace, Workspace, str, str]:
    """Alpha and Beta, both installed through OAuth: (alpha, beta, alpha token, beta token)."""
    standin.add_channel(BETA_CHANNEL, "beta")
    standin.add_user(B1, "beta1")
    standin.add_user(B2, "beta2")
    alpha_token = install(oauth_bot.server.url, standin, ALPHA, "acme")
    beta_token = install(oauth_bot.server.url, standin, BETA, "beta")
    alpha = Workspace(standin, bot_url=oauth_bot.url, signing_secret=SIGNING_SECRET)
    beta = Workspace(standin, oauth_bot.url, SIGNING_SECRET, team_id=BETA, team_domain="beta")
    return alpha, beta, alpha_token, beta_token


def log_answer(bot: Bot, standin: SlackStandIn, ws: Workspace, user: str, channel: str) -> str:
    assert ws.command(user, channel, "log").status == 200
    bot.settle()
    return json.dumps(standin.responses(user)[-1]["payload"])


def test_installed_teams_post_with_their_own_token_and_see_only_their_own_log(
    oauth_bot, teams, standin
):
    alpha, beta, alpha_token, beta_token = teams
    assert alpha_token != beta_token
    installations = oauth_bot.runtime.oauth.installations
    assert installations.find_bot(enterprise_id=None, team_id=BETA).bot_token == beta_token

    assert alpha.command(ALICE, GENERAL, "Alphasecret database <@U0BOB|bob>").status == 200
    assert beta.command(B1, BETA_CHANNEL, f"Betaplan hiring <@{B2}|beta2>").status == 200
    oauth_bot.settle()
    posts = {c.params["channel"]: c for c in standin.calls("chat.postMessage")}
    assert (posts[GENERAL].token, posts[GENERAL].team_id) == (alpha_token, ALPHA)
    assert (posts[BETA_CHANNEL].token, posts[BETA_CHANNEL].team_id) == (beta_token, BETA)
    assert standin.messages(BETA_CHANNEL)[0]["team"] == BETA

    beta_log = log_answer(oauth_bot, standin, beta, B2, BETA_CHANNEL)
    assert "Betaplan" in beta_log and "Alphasecret" not in beta_log
    alpha_log = log_answer(oauth_bot, standin, alpha, BOB, GENERAL)
    assert "Alphasecret" in alpha_log and "Betaplan" not in alpha_log


def test_the_redirect_without_the_state_cookie_installs_nothing(oauth_bot, standin):
    start = browse(f"{oauth_bot.server.url}/slack/install")
    state = start.headers["location"].split("state=")[1].split("&")[0]
    code = standin.add_install(BETA, "beta")
    page = browse(f"{oauth_bot.server.url}/slack/oauth_redirect?code={code}&state={state}")
    assert page.status == 400
    assert standin.calls("oauth.v2.access") == []
    installations = oauth_bot.runtime.oauth.installations
    assert installations.find_bot(enterprise_id=None, team_id=BETA) is None


def set_checkin(bot: Bot, ws: Workspace, user: str, channel: str) -> None:
    assert ws.command(user, channel, "checkin 09:30 mon-fri UTC").status == 200
    bot.settle()


def schedules(bot: Bot) -> dict[str, str | None]:
    with bot.sessions() as session:
        rows = session.scalars(select(ChannelSchedule)).all()
        return {row.team_id: row.disabled_reason for row in rows}


@pytest.mark.parametrize(
    "event",
    [{"type": "app_uninstalled"}, {"type": "tokens_revoked", "tokens": {"bot": ["UBT0BETA"]}}],
    ids=["app_uninstalled", "tokens_revoked"],
)
def test_uninstall_stops_the_teams_schedules_and_refuses_its_commands(
    oauth_bot, teams, standin, event
):
    alpha, beta, _, beta_token = teams
    set_checkin(oauth_bot, alpha, ALICE, GENERAL)
    set_checkin(oauth_bot, beta, B1, BETA_CHANNEL)
    scheduler = oauth_bot.runtime.scheduler
    beta_job = channel_job_id("checkin", BETA, BETA_CHANNEL)
    assert scheduler.get_job(beta_job) is not None
    assert schedules(oauth_bot) == {ALPHA: None, BETA: None}

    standin.uninstall(BETA)
    assert beta.event(event).status == 200
    oauth_bot.settle()
    assert beta.event(event, retry_num=1, retry_reason="http_timeout").status == 200
    oauth_bot.settle()

    assert schedules(oauth_bot) == {ALPHA: None, BETA: "uninstalled"}
    assert scheduler.get_job(beta_job) is None
    assert scheduler.get_job(channel_job_id("checkin", ALPHA, GENERAL)) is not None
    installations = oauth_bot.runtime.oauth.installations
    assert installations.find_bot(enterprise_id=None, team_id=BETA) is None
    assert installations.find_bot(enterprise_id=None, team_id=ALPHA) is not None
    cached = oauth_bot.runtime.oauth.authorize.authorize_result_cache.values()
    assert {result.team_id for result in cached} == {ALPHA}

    before = len(standin.calls())
    assert beta.command(B1, BETA_CHANNEL, f"After uninstall <@{B2}|beta2>").status == 200
    oauth_bot.settle()
    [refusal] = standin.responses(B1)[-1:]
    assert "no longer available" in refusal["payload"]["text"]
    assert [c.method for c in standin.calls()[before:]] == []
    with oauth_bot.sessions() as session:
        assert session.scalars(select(Decision).where(Decision.team_id == BETA)).all() == []
    assert beta_token not in {c.token for c in standin.calls()[before:]}

    assert alpha.command(ALICE, GENERAL, f"Still here <@{BOB}|bob>").status == 200
    oauth_bot.settle()
    assert standin.calls("chat.postMessage")[-1].team_id == ALPHA


def test_revoking_only_user_tokens_keeps_the_install(oauth_bot, teams, standin):
    _, beta, _, _ = teams
    set_checkin(oauth_bot, beta, B1, BETA_CHANNEL)
    assert beta.event({"type": "tokens_revoked", "tokens": {"oauth": [B1]}}).status == 200
    oauth_bot.settle()
    assert schedules(oauth_bot) == {BETA: None}
    installations = oauth_bot.runtime.oauth.installations
    assert installations.find_bot(enterprise_id=None, team_id=BETA) is not None


def test_single_workspace_uninstall_stops_its_schedules(bot, slack, standin):
    set_checkin(bot, slack, ALICE, GENERAL)
    standin.uninstall(ALPHA)  # Slack sends app_uninstalled only once it happened
    assert slack.event({"type": "app_uninstalled"}).status == 200
    bot.settle()
    assert schedules(bot) == {ALPHA: "uninstalled"}
