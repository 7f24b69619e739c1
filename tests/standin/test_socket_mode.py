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


def _connected_handler(standin: SlackStandIn, app: App) -> SocketModeHandler:
    handler = SocketModeHandler(
        app,
        standin.app_token,
        web_client=WebClient(base_url=standin.api_url, token=standin.app_token),
    )
    handler.connect()
    return handler


def _echo_app(standin: SlackStandIn) -> App:
    app = App(client=WebClient(base_url=standin.api_url, token=standin.bot_token))

    @app.command("/decide")
    def decide(ack: Any, command: dict[str, Any]) -> None:
        ack(text=f"got {command['text']}")

    return app


def test_envelopes_say_whether_the_ack_payload_is_used_as_slack_does() -> None:
    from app.standin.socket_mode import slack_accepts_response_payload as accepts

    assert accepts("slash_commands", {"command": "/decide"}) is True
    assert accepts("interactive", {"type": "view_submission"}) is True
    assert accepts("interactive", {"type": "block_suggestion"}) is True
    assert accepts("interactive", {"type": "block_actions"}) is False
    assert accepts("interactive", {"type": "message_action"}) is False
    assert accepts("events_api", {"event": {"type": "app_home_opened"}}) is False


def test_several_connections_pings_and_a_refresh(standin: SlackStandIn) -> None:
    standin.start_socket_mode()
    first, second = _connected_handler(standin, _echo_app(standin)), None
    try:
        standin.socket_wait_connected(timeout=10)
        second = _connected_handler(standin, _echo_app(standin))
        standin.socket_wait_connected(timeout=10, count=2)
        assert standin.socket_ping() == 2
        for word in ("a", "b", "c"):  # spread over both connections
            payload = slash_command(
                standin, user="U1", channel="C1", text=word, command="/decide", api_app_id="A0001"
            )
            ack = standin.socket_wait_ack(standin.socket_send("slash_commands", payload))
            assert ack["payload"]["text"] == f"got {word}"
        seen = standin.socket_connections_seen
        standin.socket_disconnect("refresh_requested")
        standin.socket_wait_connected(timeout=15, count=2, seen=seen + 1)
        payload = slash_command(
            standin, user="U1", channel="C1", text="again", command="/decide", api_app_id="A0001"
        )
        ack = standin.socket_wait_ack(standin.socket_send("slash_commands", payload), timeout=10)
        assert ack["payload"]["text"] == "got again"
    finally:
        first.close()
        if second is not None:
            second.close()


def test_a_warning_keeps_the_connection_open(standin: SlackStandIn) -> None:
    standin.start_socket_mode()
    handler = _connected_handler(standin, _echo_app(standin))
    try:
        standin.socket_wait_connected(timeout=10)
        standin.socket_disconnect("warning")
        assert standin.socket_ping() >= 1
        with pytest.raises(ValueError):
            standin.socket_disconnect("bored")
    finally:
        handler.close()
