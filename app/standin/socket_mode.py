"""A Socket Mode endpoint: the WebSocket that apps.connections.open points the bot at.

Why: the bot can run in Socket Mode (no public URL), and that path has its own framing,
envelope acks and reconnect logic worth testing against a real socket. Like Slack, the
stand-in keeps several connections per app (up to 10), spreads envelopes over them, pings
them, and asks clients to reconnect with ``disconnect`` frames. ``websockets`` is a test
extra, so it is imported only when this module is used.
"""

from __future__ import annotations

import json
import threading
import uuid
from typing import Any

Json = dict[str, Any]
MAX_CONNECTIONS = 10  # Slack allows up to 10 open Socket Mode connections per app
#: Reasons Slack gives in ``{"type": "disconnect"}``: ``warning`` comes about 10 s before the
#: connection is dropped; ``refresh_requested`` and ``link_disabled`` come as it is dropped.
DISCONNECT_REASONS = ("warning", "refresh_requested", "link_disabled")
#: Interactive payloads whose ack may carry a payload (response_action, options).
_RESPONDING_INTERACTIONS = ("view_submission", "block_suggestion")


def slack_accepts_response_payload(envelope_type: str, payload: Json) -> bool:
    """What Slack sets on an envelope: true where the ack's payload is used (slash commands,
    modal submissions, option loads), false for events and other interactions."""
    if envelope_type == "slash_commands":
        return True
    if envelope_type == "interactive":
        return payload.get("type") in _RESPONDING_INTERACTIONS
    return False


class SocketModeServer:
    """One-app Socket Mode server: greets, pushes envelopes, collects acks, pings, disconnects."""

    def __init__(self, app_id: str = "A0001") -> None:
        self.app_id = app_id
        self._cond = threading.Condition()
        self._conns: list[Any] = []
        self._next = 0  # round-robin over open connections, as Slack spreads envelopes
        self._acks: dict[str, Json] = {}
        self._received: list[Json] = []
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self.connections_seen = 0

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("SocketModeServer is not started")
        return f"ws://127.0.0.1:{self._server.socket.getsockname()[1]}/link/"

    def start(self) -> None:
        from websockets.sync.server import serve  # lazy: websockets is a test extra

        # Pings are sent on demand (ping()); a short close timeout keeps stop() quick.
        self._server = serve(
            self._handle, "127.0.0.1", 0, compression=None, ping_interval=None, close_timeout=2
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="slack-standin-socket", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    @property
    def open_connections(self) -> int:
        with self._cond:
            return len(self._conns)

    def _handle(self, conn: Any) -> None:
        """Per-connection thread: greet, then record every envelope ack the client sends."""
        from websockets.exceptions import ConnectionClosed

        with self._cond:
            if len(self._conns) >= MAX_CONNECTIONS:
                conn.close(code=1008, reason="too_many_websockets")
                return
            self._conns.append(conn)
            self.connections_seen += 1
            hello = _hello(self.app_id, len(self._conns))
        conn.send(json.dumps(hello))
        with self._cond:
            self._cond.notify_all()
        try:
            for raw in conn:
                self._receive(raw)
        except ConnectionClosed:
            pass
        finally:
            with self._cond:
                if conn in self._conns:
                    self._conns.remove(conn)
                self._cond.notify_all()

    def _receive(self, raw: Any) -> None:
        try:
            message = json.loads(raw)
        except (TypeError, ValueError):
            return
        with self._cond:
            self._received.append(message)
            if isinstance(message, dict) and message.get("envelope_id"):
                self._acks[str(message["envelope_id"])] = message
            self._cond.notify_all()

    def wait_connected(self, timeout: float = 10.0, *, count: int = 1, seen: int = 0) -> None:
        """Until ``count`` connections are open (and more than ``seen`` were ever opened)."""
        with self._cond:
            ready = lambda: len(self._conns) >= count and self.connections_seen > seen  # noqa: E731
            if not self._cond.wait_for(ready, timeout):
                raise AssertionError(
                    f"expected {count} open Socket Mode connection(s) within {timeout}s, "
                    f"have {len(self._conns)} ({self.connections_seen} ever opened)"
                )

    def wait_settled(self, timeout: float = 10.0) -> None:
        """Until exactly one connection is open: a client that replaced its connection has
        closed the old one, so the next envelope cannot land on a socket being dropped."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self._conns) == 1, timeout):
                raise AssertionError(f"{len(self._conns)} Socket Mode connections still open")

    def send(
        self, envelope_type: str, payload: Json, accepts_response_payload: bool | None = None
    ) -> str:
        """Push one envelope (slash_commands, interactive, events_api) over one connection.

        ``accepts_response_payload`` defaults to what Slack sets for that kind of envelope.
        """
        if accepts_response_payload is None:
            accepts_response_payload = slack_accepts_response_payload(envelope_type, payload)
        envelope_id = str(uuid.uuid4())
        envelope: Json = {
            "envelope_id": envelope_id,
            "type": envelope_type,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
        }
        if envelope_type == "events_api":
            envelope["retry_attempt"] = 0
            envelope["retry_reason"] = ""
        self._pick().send(json.dumps(envelope))
        return envelope_id

    def _pick(self) -> Any:
        with self._cond:
            if not self._conns:
                raise AssertionError("no Socket Mode client is connected")
            self._next = (self._next + 1) % len(self._conns)
            return self._conns[self._next]

    def disconnect(self, reason: str = "refresh_requested") -> None:
        """Send Slack's ``disconnect`` frame to every connection; except for a ``warning``,
        close them after it, as Slack does."""
        if reason not in DISCONNECT_REASONS:
            raise ValueError(f"reason must be one of {DISCONNECT_REASONS}")
        frame = json.dumps(
            {"type": "disconnect", "reason": reason, "debug_info": {"host": "standin-socket"}}
        )
        with self._cond:
            conns = list(self._conns)
            if reason != "warning":
                # Slack routes nothing more to a connection it is dropping: a closing socket
                # must not be picked for the next envelope while its handler winds down.
                self._conns = [c for c in self._conns if c not in conns]
                self._cond.notify_all()
        for conn in conns:
            conn.send(frame)
            if reason != "warning":
                conn.close(code=1000)

    def ping(self, timeout: float = 5.0) -> int:
        """Ping every open connection as Slack does; returns how many answered with a pong."""
        with self._cond:
            conns = list(self._conns)
        waiters = [conn.ping() for conn in conns]
        return sum(1 for waiter in waiters if waiter.wait(timeout))

    def wait_ack(self, envelope_id: str, timeout: float = 5.0) -> Json:
        with self._cond:
            if not self._cond.wait_for(lambda: envelope_id in self._acks, timeout):
                raise AssertionError(
                    f"no ack for envelope {envelope_id} within {timeout}s; "
                    f"received {len(self._received)} message(s)"
                )
            return dict(self._acks[envelope_id])


def _hello(app_id: str, connections: int) -> Json:
    return {
        "type": "hello",
        "num_connections": connections,
        "connection_info": {"app_id": app_id},
        "debug_info": {
            "host": "standin-socket",
            "build_number": 1,
            "approximate_connection_time": 18060,
        },
    }
