"""The start-up checks' words for failures too slow or too rare to cause in a subprocess."""

from __future__ import annotations

import socket

import pytest
from slack_sdk import WebClient

from app.config import SettingsError
from app.preflight import check_bot_token, open_socket_url
from app.standin import SlackStandIn


def refusal(check, *args) -> str:
    with pytest.raises(SettingsError) as failed:
        check(*args)
    message = str(failed.value)
    assert "\n" not in message
    return message


def test_a_slack_api_that_accepts_but_never_answers_is_a_timeout():
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # the kernel completes the handshake; nobody ever reads or answers
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/api/"
        message = refusal(check_bot_token, WebClient(token="xoxb-1", base_url=url, timeout=0.2))
    assert message.startswith(f"SLACK_API_URL {url} cannot be reached (timed out)")


def test_a_slack_api_host_that_does_not_resolve():
    url = "http://deference-setup-check.invalid/api/"  # .invalid never resolves (RFC 6761)
    message = refusal(check_bot_token, WebClient(token="xoxb-1", base_url=url, timeout=2))
    assert message.startswith(f"SLACK_API_URL {url} cannot be reached (")
    assert "correct SLACK_API_URL" in message


def test_an_answer_that_is_no_token_problem_points_at_the_api_url():
    with SlackStandIn(bot_token="xoxb-1") as standin:
        standin.fail_next("auth.test", status=200, error="internal_error")
        url = standin.api_url
        message = refusal(check_bot_token, WebClient(token="xoxb-1", base_url=url))
    assert message.startswith(f"SLACK_API_URL {url} answered auth.test with internal_error")


def test_missing_scope_on_the_app_token_says_which_token_to_make():
    with SlackStandIn(app_token="xapp-1") as standin:
        standin.fail_next("apps.connections.open", status=200, error="missing_scope")
        client = WebClient(base_url=standin.api_url)
        message = refusal(open_socket_url, client, "xapp-1")
    assert message.startswith("SLACK_APP_TOKEN was refused by Slack (missing_scope")
    assert "with the connections:write scope" in message
    assert "xapp-1" not in message
