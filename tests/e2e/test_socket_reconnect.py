"""`deference-bot run` survives Slack's `disconnect` frames: it reconnects and keeps answering."""

from __future__ import annotations

import json

from app.standin.payloads import slash_command
from tests.e2e.conftest import ALICE, GENERAL
from tests.e2e.processes import run_socket_mode


def declare(standin, title: str) -> str:
    payload = slash_command(
        standin,
        user=ALICE,
        channel=GENERAL,
        text=f"{title} <@U0BOB|bob>",
        command="/decide",
        api_app_id="A0001",
    )
    return standin.socket_send("slash_commands", payload)


def test_run_reconnects_after_refresh_requested_and_keeps_answering(
    standin, database_url, tmp_path
):
    standin.start_socket_mode()
    process = run_socket_mode(standin, database_url, tmp_path)
    try:
        standin.socket_wait_connected(timeout=30)
        standin.socket_wait_ack(declare(standin, "Pick the billing database"), timeout=5)
        standin.wait_for("chat.postMessage", timeout=10)
        assert standin.socket_ping() == 1

        # A warning first, as Slack sends before a refresh. slack_sdk answers any disconnect
        # frame by opening a new connection and closing the old one: wait for that to finish,
        # so the refresh below reaches the connection the bot is really using.
        seen = standin.socket_connections_seen
        standin.socket_disconnect("warning")
        standin.socket_wait_connected(timeout=30, seen=seen)
        standin.socket_wait_settled(timeout=30)
        seen = standin.socket_connections_seen
        standin.socket_disconnect("refresh_requested")
        standin.socket_wait_connected(timeout=30, seen=seen)
        standin.socket_wait_settled(timeout=30)
        assert len(standin.calls("apps.connections.open")) >= 3

        standin.socket_wait_ack(declare(standin, "Pick the queue"), timeout=10)
        posts = standin.wait_for("chat.postMessage", count=2, timeout=10)
        assert "Pick the queue" in json.dumps(posts[1].params["blocks"])
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=15)
    assert b"Traceback" not in stderr, stderr.decode()
