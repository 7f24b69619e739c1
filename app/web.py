"""The WSGI application: POST /slack/events into Bolt, GET /healthz, nothing else.

The door works in an order that leaves an unauthenticated sender nothing to attack: the body is
read as raw bytes (at most MAX_BODY, else 413), its signature is checked on those bytes (else
401), and only a signed body is decoded and parsed. Anything Slack never sends (invalid UTF-8,
JSON nested beyond reason, a field of the wrong type) gets 400. Each refusal is one WARNING
line that never includes the body: a body can carry what a person typed.

Bolt's own body parser has two more faults this layer closes: a truncated or non-JSON body
raises (a 500 for Slack), and any form body that merely contains the word "payload" (a slash
command whose text says "payload") is read as an empty request and dropped with a 404.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from sqlalchemy import Engine

from app.db.engine import database_answers

log = logging.getLogger(__name__)

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]
MAX_BODY = 1024 * 1024  # Slack's largest payloads (a full modal's state) are far smaller
MAX_DEPTH = 24  # Slack's deepest payloads (view state, rich text) nest about ten levels
SIGNATURE_AGE = 60 * 5  # Slack's own rule: a timestamp older than five minutes is a replay


class Malformed(ValueError):
    """A signed body that is not something Slack sends."""


def parse_slack_body(raw: str, content_type: str | None) -> dict[str, Any]:
    """Slack's three body shapes: JSON events, form-encoded commands, form `payload=<json>`."""
    if not raw:
        return {}
    if content_type == "application/json" or raw.lstrip().startswith("{"):
        body = _json(raw)
    else:
        form = dict(parse_qsl(raw, keep_blank_values=True))
        body = _json(form["payload"]) if "payload" in form else form
    if not isinstance(body, dict):
        raise Malformed("the body is not an object")
    return body


def _json(text: str) -> Any:
    if _nesting(text) > MAX_DEPTH:
        raise Malformed("nested too deeply")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:  # json.JSONDecodeError is a ValueError
        raise Malformed("not JSON") from exc


def _nesting(text: str) -> int:
    """An upper bound on the JSON nesting depth (brackets inside strings count too), measured
    before parsing so that a hostile depth never reaches the recursive parser."""
    depth = deepest = 0
    for char in text:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


# Fields Bolt itself reads before any listener runs: a wrong type there crashes Bolt (a 500).
_REQUIRED = {
    "block_actions": "actions",
    "view_submission": "view",
    "view_closed": "view",
    "event_callback": "event",
    "message_action": "message",
}
_OBJECTS = ("user", "team", "channel", "container", "view", "event", "message", "enterprise")
_STRINGS = ("type", "team_id", "user_id", "channel_id", "command", "text", "callback_id")


def well_typed(body: dict[str, Any]) -> bool:
    """False when a field Bolt reads has a type Slack never sends ("user": 7, "actions": {})."""
    if any(body.get(k) is not None and not isinstance(body[k], dict) for k in _OBJECTS):
        return False
    if any(body.get(k) is not None and not isinstance(body[k], str) for k in _STRINGS):
        return False
    needed = _REQUIRED.get(body.get("type"))  # type: ignore[arg-type]
    if needed and not isinstance(body.get(needed), dict | list):
        return False
    view = body.get("view")
    if isinstance(view, dict) and not all(
        isinstance(view.get(k), str) for k in ("id", "type", "callback_id")
    ):
        return False  # Slack's view objects always carry these three
    actions = body.get("actions")
    if "actions" in body and not (
        isinstance(actions, list) and actions and all(_well_typed_action(a) for a in actions)
    ):
        return False
    authorizations = body.get("authorizations")
    return authorizations is None or (
        isinstance(authorizations, list) and all(isinstance(a, dict) for a in authorizations)
    )


def _well_typed_action(action: Any) -> bool:
    """An action as Slack sends it: string ids; a button's value is one the bot wrote, and every
    value the bot puts on a button is printable ASCII (ids and keys)."""
    if not isinstance(action, dict) or not isinstance(action.get("action_id"), str):
        return False
    if any(action.get(k) is not None and not isinstance(action[k], str) for k in ("block_id",)):
        return False
    value = action.get("value")
    return value is None or (isinstance(value, str) and value.isascii() and value.isprintable())


def signed(raw: bytes, headers: dict[str, str], secret: str, now: float) -> bool:
    """Slack's v0 signature, checked on the bytes exactly as they arrived."""
    timestamp = headers.get("x-slack-request-timestamp") or ""
    signature = headers.get("x-slack-signature") or ""
    if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
        return False
    if abs(now - int(timestamp)) > SIGNATURE_AGE:
        return False
    base = b"v0:" + timestamp.encode() + b":" + raw
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace"))


def _first(headers: dict) -> dict[str, str]:
    return {
        k.lower(): (v[0] if isinstance(v, list | tuple) and v else v) for k, v in headers.items()
    }


class SlackEvents(SlackRequestHandler):
    def __init__(self, app, signing_secret: str, path: str = "/slack/events") -> None:
        super().__init__(app, path=path)
        self._secret = signing_secret

    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        headers = request.get_headers()
        flat = _first(headers)
        raw = _read_body(request.environ)
        if raw is None:
            log.warning("refused a request: body over %d bytes", MAX_BODY)
            return _refusal(413, "body too large")
        if self._secret and not signed(raw, flat, self._secret, time.time()):
            log.warning("refused a request with a bad signature (%d bytes)", len(raw))
            return _refusal(401, "invalid request")
        content_type = (flat.get("content-type") or "").split(";")[0].strip() or None
        try:
            text = raw.decode("utf-8")
            body = parse_slack_body(text, content_type)
            if not well_typed(body):
                raise Malformed("a field has a type Slack never sends")
            # Build the request from the parsed body, then give it the raw text to verify.
            bolt_request = BoltRequest(
                body=body, query=request.query_string, headers=headers, mode="socket_mode"
            )
        except (UnicodeDecodeError, Malformed, TypeError, AttributeError, KeyError, IndexError):
            # Bolt reads ids out of the body to build its context and fails on wrong types
            # ("user": 7); such a body is malformed, not a server error.
            log.warning("refused a malformed signed request (%d bytes)", len(raw))
            return _refusal(400, "malformed body")
        bolt_request.raw_body = text
        bolt_request.mode = "http"
        return self.app.dispatch(bolt_request)


def _read_body(environ: dict) -> bytes | None:
    """The raw body, or None when it is over MAX_BODY (read no further than that)."""
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    try:
        declared = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if declared > MAX_BODY or declared < 0:
        return None
    return stream.read(declared) if declared else b""


def _refusal(status: int, error: str) -> BoltResponse:
    return BoltResponse(
        status=status,
        body=json.dumps({"error": error}),
        headers={"content-type": "application/json"},
    )


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
