"""`deference-bot run`'s wiring: the same listeners, reached over Socket Mode."""

from __future__ import annotations

import json

from app.config import Settings
from app.standin.payloads import slash_command
from app.wiring import build_runtime, make_socket_mode_handler
from tests.e2e.conftest import ALICE, BOT_TOKEN, GENERAL
from tests.e2e.processes import run_socket_mode


def test_declare_over_socket_mode(standin, database_url, clock, errors_logged):
    standin.start_socket_mode()
    settings = Settings(
        slack_bot_token=BOT_TOKEN,
        slack_app_token=standin.app_token,
        database_url=database_url,
        slack_api_url=standin.api_url,
    )
    runtime = build_runtime(settings, "socket", clock=clock)
    handler = make_socket_mode_handler(runtime)
    handler.connect()
    try:
        standin.socket_wait_connected(timeout=10)
        help_id = standin.socket_send("slash_commands", payload(standin, "help"))
        ack = standin.socket_wait_ack(help_id, timeout=5)
        assert "/decide log [words]" in json.dumps(ack["payload"]["blocks"])

        envelope = standin.socket_send(
            "slash_commands", payload(standin, "Pick the billing database <@U0BOB|bob>")
        )
        standin.socket_wait_ack(envelope, timeout=5)
        runtime.settle()
        [post] = standin.calls("chat.postMessage")
        assert post.params["channel"] == GENERAL
        assert "<@U0BOB>" in json.dumps(post.params["blocks"])
    finally:
        handler.close()
        runtime.close()


def payload(standin, text: str) -> dict[str, str]:
    return slash_command(
        standin, user=ALICE, channel=GENERAL, text=text, command="/decide", api_app_id="A0001"
    )


def test_deference_bot_run_connects_and_answers(standin, database_url, tmp_path):
    """The `run` command itself, as its own process, over the stand-in's WebSocket."""
    standin.start_socket_mode()
    process = run_socket_mode(standin, database_url, tmp_path)
    try:
        standin.socket_wait_connected(timeout=30)
        envelope = standin.socket_send(
            "slash_commands", payload(standin, "Pick the billing database <@U0BOB|bob>")
        )
        standin.socket_wait_ack(envelope, timeout=5)
        [post] = standin.wait_for("chat.postMessage", timeout=10)
        assert "<@U0BOB>" in json.dumps(post.params["blocks"])
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=15)
    assert b"Traceback" not in stderr, stderr.decode()
