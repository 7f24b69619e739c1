"""Several workspaces on one stand-in: OAuth codes, per-team bot tokens, rotation, uninstall."""

from __future__ import annotations

import time

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store import Bot
from slack_sdk.oauth.token_rotation import TokenRotator

from app.standin import ManualClock, SlackStandIn
from app.standin.installs import CLIENT_ID, CLIENT_SECRET


def error_of(call) -> str:
    with pytest.raises(SlackApiError) as caught:
        call()
    return str(caught.value.response["error"])


def app_client(standin: SlackStandIn) -> WebClient:
    """The app's own client: no token, as Bolt's OAuth flow calls oauth.v2.access."""
    return WebClient(base_url=standin.api_url, retry_handlers=[])


def exchange(standin: SlackStandIn, code: str, **kw) -> dict:
    answer = app_client(standin).oauth_v2_access(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, code=code, **kw
    )
    return dict(answer.data)  # type: ignore[arg-type]


def test_a_code_is_exchanged_once_for_the_v2_shape(standin: SlackStandIn) -> None:
    code = standin.add_install("T0BETA", "beta", installer="U0BETAADMIN")
    answer = exchange(standin, code, redirect_uri="https://bot.example/slack/oauth_redirect")
    assert answer["ok"] is True and answer["token_type"] == "bot"
    assert answer["access_token"].startswith("xoxb-")
    assert answer["team"] == {"id": "T0BETA", "name": "Beta"}
    assert answer["authed_user"] == {"id": "U0BETAADMIN"}
    assert answer["enterprise"] is None and answer["is_enterprise_install"] is False
    assert answer["bot_user_id"] != "UBOT" and answer["app_id"] == "A0001"
    assert "chat:write" in answer["scope"].split(",")
    assert "refresh_token" not in answer and "expires_in" not in answer
    assert error_of(lambda: exchange(standin, code)) == "invalid_code"
    assert error_of(lambda: exchange(standin, "never-issued")) == "invalid_code"
    [first, _, _] = standin.calls("oauth.v2.access")
    assert first.team_id == "T0BETA" and first.params["code"] == code


def test_client_credentials_are_checked_from_basic_auth_or_form(standin: SlackStandIn) -> None:
    code = standin.add_install("T0BETA", "beta")
    client = app_client(standin)
    wrong = lambda **kw: client.oauth_v2_access(code=code, **kw)  # noqa: E731
    assert error_of(lambda: wrong(client_id="9.9", client_secret=CLIENT_SECRET)) == (
        "invalid_client_id"
    )
    assert error_of(lambda: wrong(client_id=CLIENT_ID, client_secret="nope")) == (
        "bad_client_secret"
    )
    form = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "code": code}
    answer = client.api_call("oauth.v2.access", data=form)
    assert answer["ok"] and answer["team"]["id"] == "T0BETA"


def test_each_token_answers_as_its_own_team(standin: SlackStandIn, client: WebClient) -> None:
    token = exchange(standin, standin.add_install("T0BETA", "beta", bot_token="xoxb-beta"))[
        "access_token"
    ]
    assert token == "xoxb-beta" and standin.team_of_token(token) == "T0BETA"
    beta = WebClient(base_url=standin.api_url, token=token, retry_handlers=[])
    answer = beta.auth_test()
    assert (answer["team_id"], answer["url"]) == ("T0BETA", "https://beta.slack.com/")
    assert answer["user_id"] == standin.team("T0BETA").bot_user_id
    assert client.auth_test()["team_id"] == "T0001"

    posted = beta.chat_postMessage(channel="C1", text="from beta")
    assert posted["message"]["team"] == "T0BETA"
    client.chat_postMessage(channel="C1", text="from acme")
    calls = standin.calls("chat.postMessage")
    assert [(c.token, c.team_id) for c in calls] == [
        ("xoxb-beta", "T0BETA"),
        (standin.bot_token, "T0001"),
    ]
    link = beta.chat_getPermalink(channel="C1", message_ts=posted["ts"])["permalink"]
    assert link.startswith("https://beta.slack.com/archives/C1/")


def test_rotation_issues_expiring_tokens_and_refreshes_them(
    standin: SlackStandIn, clock: ManualClock
) -> None:
    standin.token_rotation = True
    answer = exchange(standin, standin.add_install("T0BETA", "beta"))
    assert answer["expires_in"] == 43200 and answer["refresh_token"].startswith("xoxe-")

    def stored(expires_at: float) -> Bot:
        """The bot as an installation store keeps it (TokenRotator reads the real time)."""
        return Bot(
            app_id=answer["app_id"],
            team_id="T0BETA",
            bot_token=answer["access_token"],
            bot_refresh_token=answer["refresh_token"],
            bot_token_expires_at=int(expires_at),
            bot_id="B1",
            bot_user_id=answer["bot_user_id"],
            installed_at=time.time(),
        )

    rotator = TokenRotator(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, client=app_client(standin)
    )
    assert (
        rotator.perform_bot_token_rotation(
            bot=stored(time.time() + answer["expires_in"]), minutes_before_expiration=120
        )
        is None
    )

    clock.advance(43200)  # the token has expired
    stale = WebClient(base_url=standin.api_url, token=answer["access_token"], retry_handlers=[])
    assert error_of(stale.auth_test) == "token_expired"
    expired = stored(time.time() - 1)
    fresh = rotator.perform_bot_token_rotation(bot=expired, minutes_before_expiration=120)
    assert fresh is not None and fresh.bot_token != answer["access_token"]
    assert fresh.bot_refresh_token == answer["refresh_token"]
    renewed = WebClient(base_url=standin.api_url, token=fresh.bot_token, retry_handlers=[])
    assert renewed.auth_test()["team_id"] == "T0BETA"
    bad = lambda: app_client(standin).oauth_v2_access(  # noqa: E731
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        grant_type="refresh_token",
        refresh_token="xoxe-1-forged",
    )
    assert error_of(bad) == "invalid_refresh_token"


def test_uninstall_revokes_only_that_teams_tokens(standin: SlackStandIn, client) -> None:
    token = exchange(standin, standin.add_install("T0BETA", "beta"))["access_token"]
    standin.uninstall("T0BETA")
    beta = WebClient(base_url=standin.api_url, token=token, retry_handlers=[])
    assert error_of(beta.auth_test) == "invalid_auth"
    assert client.auth_test()["ok"]
