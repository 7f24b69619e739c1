"""Fault injection, checked against slack_sdk's own retry handlers."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import (
    ConnectionErrorRetryHandler,
    FixedValueRetryIntervalCalculator,
    RateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_handlers import ServerErrorRetryHandler

from app.standin import SlackStandIn

FAST = FixedValueRetryIntervalCalculator(0.01)


def statuses(standin: SlackStandIn, method: str) -> list[int]:
    return [call.status for call in standin.calls(method)]


def test_429_carries_retry_after(standin: SlackStandIn, client: WebClient) -> None:
    standin.fail_next("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel="C1", text="x")
    assert caught.value.response.status_code == 429
    assert caught.value.response.headers["Retry-After"] in ("7", ["7"])
    assert caught.value.response["error"] == "ratelimited"
    assert client.chat_postMessage(channel="C1", text="x")["ok"]
    assert statuses(standin, "chat.postMessage") == [429, 200]


def test_rate_limit_handler_recovers(standin: SlackStandIn) -> None:
    handler = RateLimitErrorRetryHandler(max_retry_count=2)
    client = WebClient(base_url=standin.api_url, token=standin.bot_token, retry_handlers=[handler])
    standin.fail_next("chat.postMessage", status=429, retry_after=0)
    assert client.chat_postMessage(channel="C1", text="after a 429")["ok"]
    assert statuses(standin, "chat.postMessage") == [429, 200]
    assert [m["text"] for m in standin.messages("C1")] == ["after a 429"]


def test_server_error_handler_recovers(standin: SlackStandIn) -> None:
    handler = ServerErrorRetryHandler(max_retry_count=2, interval_calculator=FAST)
    client = WebClient(base_url=standin.api_url, token=standin.bot_token, retry_handlers=[handler])
    standin.fail_next("chat.update", status=500, count=2)
    posted = client.chat_postMessage(channel="C1", text="v1")
    assert client.chat_update(channel="C1", ts=posted["ts"], text="v2")["ok"]
    assert statuses(standin, "chat.update") == [500, 500, 200]
    standin.fail_next("auth.test", status=503, count=3)
    with pytest.raises(SlackApiError) as caught:
        client.auth_test()
    assert caught.value.response.status_code == 503
    assert len(standin.calls("auth.test")) == 3


def test_dropped_connection_is_retried(standin: SlackStandIn) -> None:
    handler = ConnectionErrorRetryHandler(max_retry_count=1, interval_calculator=FAST)
    client = WebClient(base_url=standin.api_url, token=standin.bot_token, retry_handlers=[handler])
    standin.fail_next("users.info", drop_connection=True)
    assert client.users_info(user="UBOT")["user"]["id"] == "UBOT"
    assert statuses(standin, "users.info") == [0, 200]
    standin.fail_next("users.info", drop_connection=True, count=2)
    with pytest.raises(Exception):  # noqa: B017 - urllib's exact error type varies by platform
        client.users_info(user="UBOT")


def test_slack_error_injection(standin: SlackStandIn, client: WebClient) -> None:
    standin.fail_next("views.open", status=200, error="internal_error")
    with pytest.raises(SlackApiError) as caught:
        client.views_open(trigger_id="t", view={})
    assert caught.value.response["error"] == "internal_error"
    assert standin.calls("views.open")[0].status == 200
    failed = standin.wait_for("views.open", include_failed=True)
    assert not failed[0].ok
