"""The WSGI application: POST /slack/events into Bolt, GET /healthz, nothing else.

Bolt's own body parser has two faults this layer closes: a truncated or non-JSON body raises
(a 500 for Slack), and any form body that merely contains the word "payload" (a slash command
whose text or channel name says "payload") is read as an empty request and dropped with a 404.
Here the body is parsed correctly first; a body that cannot be parsed gets 400, or 401 when its
signature is wrong too, and Bolt still verifies every signature itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import Engine

from app.db.engine import database_answers

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]


def parse_slack_body(raw: str, content_type: str | None) -> dict[str, Any]:
    """Slack's three body shapes: JSON events, form-encoded commands, form `payload=<json>`."""
    if not raw:
        return {}
    if content_type == "application/json" or raw.lstrip().startswith("{"):
        body = json.loads(raw)
    else:
        form = dict(parse_qsl(raw, keep_blank_values=True))
        body = json.loads(form["payload"]) if "payload" in form else form
    if not isinstance(body, dict):
        raise ValueError("the body is not an object")
    return body


# Fields Bolt itself reads before any listener runs: a wrong type there crashes Bolt (a 500).
_REQUIRED = {
    "block_actions": "actions",
    "view_submission": "view",
    "view_closed": "view",
    "event_callback": "event",
    "message_action": "message",
}
_OBJECTS = ("user", "team", "channel", "container", "view", "event", "message", "enterprise")


def well_typed(body: dict[str, Any]) -> bool:
    """False when a field Bolt reads has a type Slack never sends ("user": 7, "actions": {})."""
    if any(body.get(k) is not None and not isinstance(body[k], dict) for k in _OBJECTS):
        return False
    needed = _REQUIRED.get(body.get("type"))  # type: ignore[arg-type]
    if needed and not isinstance(body.get(needed), dict | list):
        return False
    actions = body.get("actions")
    if "actions" in body and not (
        isinstance(actions, list) and actions and all(isinstance(a, dict) for a in actions)
    ):
        return False
    authorizations = body.get("authorizations")
    return authorizations is None or (
        isinstance(authorizations, list) and all(isinstance(a, dict) for a in authorizations)
    )


class SlackEvents(SlackRequestHandler):
    def __init__(self, app, signing_secret: str, path: str = "/slack/events") -> None:
        super().__init__(app, path=path)
        self._verifier = SignatureVerifier(signing_secret) if signing_secret else None

    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        raw = request.get_body()
        headers = request.get_headers()
        content_type = (headers.get("content-type") or [None])[0]
        content_type = content_type.split(";")[0].strip() if content_type else None
        try:
            body = parse_slack_body(raw, content_type)
        except ValueError:  # json.JSONDecodeError is a ValueError
            return self._refuse(raw, headers)
        if not well_typed(body):
            return self._refuse(raw, headers)
        # Build the request from the parsed body, then give it the raw text to verify.
        try:
            bolt_request = BoltRequest(
                body=body, query=request.query_string, headers=headers, mode="socket_mode"
            )
        except (TypeError, AttributeError, KeyError, IndexError):
            # Bolt reads ids out of the body to build its context and fails on wrong types
            # ("user": 7); such a body is malformed, not a server error.
            return self._refuse(raw, headers)
        bolt_request.raw_body = raw
        bolt_request.mode = "http"
        return self.app.dispatch(bolt_request)

    def _refuse(self, raw: str, headers: dict) -> BoltResponse:
        flat = {k: v[0] if isinstance(v, list | tuple) and v else v for k, v in headers.items()}
        if self._verifier is None or not self._verifier.is_valid_request(raw, flat):
            return BoltResponse(status=401, body='{"error": "invalid request"}')
        return BoltResponse(status=400, body='{"error": "malformed body"}')


def make_wsgi_app(bolt, engine: Engine, signing_secret: str) -> WSGIApp:
    slack = SlackEvents(bolt, signing_secret)

    def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz":
            healthy = database_answers(engine)
            body = json.dumps({"ok": healthy, "database": "up" if healthy else "down"}).encode()
            status = "200 OK" if healthy else "503 Service Unavailable"
            start_response(
                status,
                [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
            )
            return [body]
        return slack(environ, start_response)

    return application
