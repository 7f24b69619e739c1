"""Socket Mode round trip: slack_sdk's builtin client against the stand-in's WebSocket."""

from __future__ import annotations

from typing import Any

import pytest
from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from app.standin import SlackStandIn
from app.standin.payloads import slash_command


def test_slash_command_over_socket_mode(standin: SlackStandIn) -> None:
    standin.add_user("U1", "alice")
    app = App(
        token=standin.bot_token,
        client=WebClient(base_url=standin.api_url, token=standin.bot_token),
    )

    @app.command("/decide")
    def decide(ack: Any, command: dict[str, Any], client: WebClient) -> None:
        ack(text="on it")
        client.chat_postMessage(channel=command["channel_id"], text=f"deciding {command['text']}")

    url = standin.start_socket_mode()
    assert url.startswith("ws://127.0.0.1:")
    handler = SocketModeHandler(
        app,
        standin.app_token,
        web_client=WebClient(base_url=standin.api_url, token=standin.app_token),
    )
    handler.connect()
    try:
        standin.socket_wait_connected(timeout=10)
        payload = slash_command(
            standin, user="U1", channel="C1", text="billing", command="/decide", api_app_id="A0001"
        )
        envelope_id = standin.socket_send("slash_commands", payload)
        ack = standin.socket_wait_ack(envelope_id, timeout=5)
        assert ack["envelope_id"] == envelope_id
        assert ack["payload"]["text"] == "on it"
        (call,) = standin.wait_for("chat.postMessage")
        assert call.params["channel"] == "C1" and call.params["text"] == "deciding billing"
        assert standin.calls("apps.connections.open")[0].token == standin.app_token
    finally:
        handler.close()


def test_connections_open_needs_socket_mode_and_app_token(standin: SlackStandIn) -> None:
    app_client = WebClient(base_url=standin.api_url, token=standin.app_token, retry_handlers=[])
    with pytest.raises(SlackApiError):
        app_client.apps_connections_open(app_token=standin.app_token)
    standin.start_socket_mode()
    assert app_client.apps_connections_open(app_token=standin.app_token)["url"].startswith("ws://")
    bot_client = WebClient(base_url=standin.api_url, token=standin.bot_token, retry_handlers=[])
    with pytest.raises(SlackApiError) as caught:
        bot_client.apps_connections_open(app_token=standin.bot_token)
    assert caught.value.response["error"] == "not_allowed_token_type"
    with pytest.raises(SlackApiError) as caught:
        app_client.auth_test()
    assert caught.value.response["error"] == "not_allowed_token_type"
