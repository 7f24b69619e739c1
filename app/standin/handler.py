"""HTTP plumbing for the stand-in: request parsing, auth extraction and fault delivery.

Why separate: server.py owns state and the public test API; this module only turns
``BaseHTTPRequestHandler`` requests into ``SlackStandIn._api``/``_respond`` calls and
writes Slack-shaped HTTP answers (including 429s, 5xx pages and dropped connections).
"""

from __future__ import annotations

import base64
import contextlib
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, urlsplit

Json = dict[str, Any]
_JSON_PARAMS = (
    "blocks",
    "view",
    "attachments",
    "metadata",
    "outputs",
    "criteria",
    "changes",
    "document_content",
)


def _decode_params(raw: Json) -> Json:
    params: Json = dict(raw)
    for key in _JSON_PARAMS:
        value = params.get(key)
        if isinstance(value, str):
            # Left as sent when it is not JSON; validation then reports it.
            with contextlib.suppress(json.JSONDecodeError):
                params[key] = json.loads(value)
    return params


def _basic(encoded: str) -> tuple[str, str, str]:
    try:
        return base64.b64decode(encoded, validate=True).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return "", "", ""


class ApiHandler(BaseHTTPRequestHandler):
    """Routes ``/api/<method>`` and ``/response/<id>``; everything else is 404."""

    server_version = "SlackStandIn/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        """Silence per-request logging; the call log is the record."""

    def do_GET(self) -> None:
        self._route(b"")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self._route(self.rfile.read(length) if length else b"")

    def _route(self, body: bytes) -> None:
        standin: Any = self.server.standin  # type: ignore[attr-defined]
        parts = urlsplit(self.path)
        if parts.path.startswith("/api/"):
            self._api(standin, parts.path[len("/api/") :], parts.query, body)
        elif parts.path.startswith("/upload/") and self.command == "POST":
            status, text = standin._receive_upload(parts.path[len("/upload/") :], body)
            self._send(status, text.encode(), "text/plain")
        elif parts.path.startswith("/response/") and self.command == "POST":
            status, text = standin._respond(parts.path[len("/response/") :], body)
            kind = "application/json" if status == 200 else "text/plain"
            self._send(status, text.encode(), kind)
        else:
            self._send(404, b"not_found", "text/plain")

    def _api(self, standin: Any, method: str, query: str, body: bytes) -> None:
        raw: Json = dict(parse_qsl(query, keep_blank_values=True))
        if body:
            content_type = self.headers.get("Content-Type", "")
            if "json" in content_type:
                try:
                    decoded = json.loads(body)
                except ValueError:
                    decoded = None
                if not isinstance(decoded, dict):
                    self._json(200, {"ok": False, "error": "invalid_json"})
                    return
                raw.update(decoded)
            else:
                raw.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        auth = self.headers.get("Authorization", "")
        token = auth[7:] if auth.startswith("Bearer ") else raw.get("token")
        if auth.startswith("Basic "):  # oauth.v2.access: client id and secret, as Slack prefers
            client_id, _, secret = _basic(auth[6:])
            raw.setdefault("client_id", client_id)
            raw.setdefault("client_secret", secret)
        params = _decode_params({k: v for k, v in raw.items() if k != "token"})
        fault, answer = standin._api(method, params, token)
        if fault is None or fault.status == 200:
            self._json(200, answer)
        elif fault.drop_connection:
            if fault.hang:
                threading.Event().wait(fault.hang)  # a slow server, not test synchronisation
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        elif fault.status == 429:
            self._json(429, answer, {"Retry-After": str(fault.retry_after)})
        else:
            html = f"<html><body><h1>{fault.status}</h1></body></html>".encode()
            self._send(fault.status, html, "text/html")

    def _json(self, status: int, body: Json, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(body).encode(), "application/json; charset=utf-8", headers)

    def _send(
        self, status: int, body: bytes, kind: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)
