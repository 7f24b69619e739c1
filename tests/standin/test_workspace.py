"""The signed Workspace client, driving a minimal Bolt app served over real HTTP."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest
from slack_bolt import App
from slack_bolt.request import BoltRequest
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from app.standin import ManualClock, SlackStandIn, Workspace
from app.standin.viewstate import view_state

SECRET = "s3cr3t"


def option(value: str, text: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": text}, "value": value}


def field(block_id: str, element: dict[str, Any]) -> dict[str, Any]:
    label = {"type": "plain_text", "text": block_id}
    return {"type": "input", "block_id": block_id, "label": label, "element": element}


OPTIONS = [option("db", "Database"), option("api", "API")]
MODAL_BLOCKS = [
    field("title", {"type": "plain_text_input", "action_id": "v"}),
    field("note", {"type": "plain_text_input", "action_id": "v"}),
    field("decider", {"type": "users_select", "action_id": "v"}),
    field("area", {"type": "static_select", "action_id": "v", "options": OPTIONS}),
    field("kind", {"type": "radio_buttons", "action_id": "v", "options": OPTIONS}),
    field("tags", {"type": "checkboxes", "action_id": "v", "options": OPTIONS}),
    field("due", {"type": "datepicker", "action_id": "v"}),
    field("at", {"type": "timepicker", "action_id": "v"}),
    field("when", {"type": "datetimepicker", "action_id": "v"}),
    field("count", {"type": "number_input", "action_id": "v", "is_decimal_allowed": False}),
]
MODAL = {
    "type": "modal",
    "callback_id": "decide_modal",
    "title": {"type": "plain_text", "text": "Decide"},
    "submit": {"type": "plain_text", "text": "Save"},
    "private_metadata": "meta",
    "blocks": MODAL_BLOCKS,
}
PICK = {
    "type": "actions",
    "block_id": "pick_block",
    "elements": [
        {
            "type": "button",
            "action_id": "pick",
            "value": "42",
            "text": {"type": "plain_text", "text": "Pick"},
        }
    ],
}


class BoltServer:
    """Serves a Bolt app at /slack/events and records every raw request it receives."""

    def __init__(self, app: App) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = {k.lower(): v for k, v in self.headers.items()}
                outer.requests.append((headers, body))
                reply = app.dispatch(BoltRequest(body=body.decode(), headers=headers))
                data = (reply.body or "").encode()
                self.send_response(reply.status)
                for key, values in reply.headers.items():
                    if key.lower() != "content-length":
                        self.send_header(key, values[0] if isinstance(values, list) else values)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/slack/events"

    def __enter__(self) -> BoltServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def seen() -> dict[str, Any]:
    return {}


@pytest.fixture
def bolt(standin: SlackStandIn, seen: dict[str, Any]) -> Iterator[BoltServer]:
    client = WebClient(base_url=standin.api_url, token=standin.bot_token)
    app = App(signing_secret=SECRET, client=client)

    @app.command("/decide")
    def decide(ack: Any, body: dict[str, Any], client: WebClient, respond: Any) -> None:
        ack()
        seen["command"] = body
        client.views_open(trigger_id=body["trigger_id"], view=MODAL)
        client.chat_postMessage(channel=body["channel_id"], text="vote", blocks=[PICK])

    @app.action("pick")
    def pick(ack: Any, body: dict[str, Any], respond: Any) -> None:
        ack()
        seen["action"] = body
        respond(replace_original=True, text="picked")

    @app.view("decide_modal")
    def submitted(ack: Any, body: dict[str, Any]) -> None:
        seen["view"] = body
        ack(response_action="errors", errors={"title": "too short"})

    @app.shortcut("log_decision")
    def shortcut(ack: Any, body: dict[str, Any]) -> None:
        ack()
        seen["shortcut"] = body

    @app.event("app_home_opened")  # an event manifest.yml subscribes to: Slack sends no other
    def home(event: dict[str, Any], client: WebClient) -> None:
        client.chat_postMessage(channel="C1", text=f"hello <@{event['user']}>")

    with BoltServer(app) as server:
        yield server


def workspace(standin: SlackStandIn, bolt: BoltServer, **kw: Any) -> Workspace:
    return Workspace(standin, bot_url=bolt.url, signing_secret=SECRET, **kw)


def test_command_click_submit_round_trip(
    standin: SlackStandIn, bolt: BoltServer, seen: dict[str, Any]
) -> None:
    standin.add_user("U1", "alice")
    standin.add_channel("C1", "general")
    ws = workspace(standin, bolt)
    reply = ws.command(user="U1", channel="C1", text="Pick the db <@U2|bob>", command="/decide")
    assert reply.status == 200 and reply.elapsed < 3
    headers, body = bolt.requests[0]
    verifier = SignatureVerifier(SECRET)
    assert verifier.is_valid(
        body, headers["x-slack-request-timestamp"], headers["x-slack-signature"]
    )
    form = {k: v[0] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
    assert form["user_name"] == "alice" and form["channel_name"] == "general"
    assert form["is_enterprise_install"] == "false" and form["text"] == "Pick the db <@U2|bob>"
    assert set(form) >= {"token", "team_id", "team_domain", "api_app_id", "response_url"}

    standin.wait_for("chat.postMessage")
    view = ws.latest_view("U1")
    assert view is not None and view["callback_id"] == "decide_modal"
    message = ws.latest_message("C1")
    assert message is not None
    assert ws.click(user="U1", message=message, action_id="pick").status == 200
    standin.wait_until(lambda: len(standin.responses()) == 1, what="respond()")
    assert standin.messages("C1")[0]["text"] == "picked"
    action = seen["action"]
    assert (
        action["actions"][0]["block_id"] == "pick_block" and action["actions"][0]["value"] == "42"
    )
    assert action["container"] == {
        "type": "message",
        "message_ts": message["ts"],
        "channel_id": "C1",
        "is_ephemeral": False,
    }

    reply = ws.submit(user="U1", view=view, values={"title": {"v": "Billing DB"}})
    assert reply.json == {"response_action": "errors", "errors": {"title": "too short"}}
    submitted = seen["view"]["view"]
    assert submitted["id"] == view["id"] and submitted["private_metadata"] == "meta"
    assert submitted["state"]["values"]["title"]["v"] == {
        "type": "plain_text_input",
        "value": "Billing DB",
    }
    assert submitted["state"]["values"]["note"]["v"]["value"] is None


def test_shortcut_and_event_with_retry_headers(
    standin: SlackStandIn, bolt: BoltServer, seen: dict[str, Any]
) -> None:
    ws = workspace(standin, bolt)
    message = {"channel": "C1", "ts": "1700000000.000100", "text": "hi", "user": "U2"}
    reply = ws.shortcut(user="U1", callback_id="log_decision", message=message, channel="C1")
    assert reply.status == 200
    assert seen["shortcut"]["message"]["ts"] == message["ts"]
    event = {
        "type": "app_home_opened",
        "user": "U1",
        "channel": "D1",
        "tab": "home",
        "event_ts": "1700000000.000200",
    }
    assert ws.event(event, event_id="Ev1", retry_num=1, retry_reason="http_timeout").status == 200
    headers, _ = bolt.requests[-1]
    assert headers["x-slack-retry-num"] == "1" and headers["x-slack-retry-reason"] == "http_timeout"
    standin.wait_for("chat.postMessage", lambda c: c.params["text"] == "hello <@U1>")


def test_url_verification_is_answered_with_its_challenge(
    standin: SlackStandIn, bolt: BoltServer
) -> None:
    reply = workspace(standin, bolt).url_verification("3eZbrw1aBm2rZgRN")
    assert reply.status == 200 and reply.json == {"challenge": "3eZbrw1aBm2rZgRN"}


def test_hostile_requests_are_refused(
    standin: SlackStandIn, bolt: BoltServer, clock: ManualClock
) -> None:
    ws = workspace(standin, bolt, clock=clock)  # the manual clock is years in the past
    assert ws.command(user="U1", channel="C1", text="x").status == 401
    live = workspace(standin, bolt)
    assert (
        live.send_raw(
            "command=%2Fdecide", "application/x-www-form-urlencoded", signature="v0=bad"
        ).status
        == 401
    )
    assert (
        live.send_raw(
            "command=%2Fdecide", "application/x-www-form-urlencoded", timestamp="", signature=""
        ).status
        == 401
    )


def test_view_state_shapes() -> None:
    values = {
        "title": {"v": "T"},
        "decider": {"v": "U2"},
        "area": {"v": "db"},
        "kind": {"v": "api"},
        "tags": {"v": ["db", "api"]},
        "due": {"v": dt.date(2024, 5, 1)},
        "at": {"v": "09:30"},
        "when": {"v": 1714550400},
        "count": {"v": 3},
    }
    state = {b: a["v"] for b, a in view_state(MODAL, values)["values"].items()}
    assert state["title"] == {"type": "plain_text_input", "value": "T"}
    assert state["note"] == {"type": "plain_text_input", "value": None}
    assert state["decider"] == {"type": "users_select", "selected_user": "U2"}
    assert state["area"] == {"type": "static_select", "selected_option": OPTIONS[0]}
    assert state["kind"] == {"type": "radio_buttons", "selected_option": OPTIONS[1]}
    assert state["tags"] == {"type": "checkboxes", "selected_options": OPTIONS}
    assert state["due"] == {"type": "datepicker", "selected_date": "2024-05-01"}
    assert state["at"] == {"type": "timepicker", "selected_time": "09:30"}
    assert state["when"] == {"type": "datetimepicker", "selected_date_time": 1714550400}
    assert state["count"] == {"type": "number_input", "value": "3"}
    empty = {b: a["v"] for b, a in view_state(MODAL, {})["values"].items()}
    assert empty["decider"]["selected_user"] is None and empty["tags"]["selected_options"] == []
    assert empty["area"]["selected_option"] is None and empty["due"]["selected_date"] is None
    with pytest.raises(ValueError, match="no option"):
        view_state(MODAL, {"area": {"v": "nope"}})
    with pytest.raises(ValueError, match="does not have"):
        view_state(MODAL, {"missing": {"v": 1}})
    json.dumps(view_state(MODAL, values))  # must be JSON-serialisable as sent
