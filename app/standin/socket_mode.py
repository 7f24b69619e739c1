"""A Socket Mode endpoint: the WebSocket that apps.connections.open points the bot at.

Why: the bot can run in Socket Mode (no public URL), and that path has its own framing,
envelope acks and reconnect logic worth testing against a real socket. ``websockets`` is a
test extra, so it is imported only when this module is used.
"""

from __future__ import annotations

import json
import threading
import uuid
from typing import Any

Json = dict[str, Any]


class SocketModeServer:
    """One-app Socket Mode server: sends ``hello``, pushes envelopes, collects acks."""

    def __init__(self, app_id: str = "A0001") -> None:
        self.app_id = app_id
        self._cond = threading.Condition()
        self._conn: Any = None
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

        # No server pings (the client pings us); short close timeout keeps stop() quick.
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

    def _handle(self, conn: Any) -> None:
        """Per-connection thread: greet, then record every envelope ack the client sends."""
        from websockets.exceptions import ConnectionClosed

        hello = {
            "type": "hello",
            "num_connections": 1,
            "connection_info": {"app_id": self.app_id},
            "debug_info": {
                "host": "standin-socket",
                "build_number": 1,
                "approximate_connection_time": 18060,
            },
        }
        conn.send(json.dumps(hello))
        with self._cond:
            self._conn = conn
            self.connections_seen += 1
            self._cond.notify_all()
        try:
            for raw in conn:
                try:
                    message = json.loads(raw)
                except (TypeError, ValueError):
                    continue
                with self._cond:
                    self._received.append(message)
                    if isinstance(message, dict) and message.get("envelope_id"):
                        self._acks[str(message["envelope_id"])] = message
                    self._cond.notify_all()
        except ConnectionClosed:
            pass
        finally:
            with self._cond:
                if self._conn is conn:
                    self._conn = None
                self._cond.notify_all()

    def wait_connected(self, timeout: float = 10.0) -> None:
        with self._cond:
            if not self._cond.wait_for(lambda: self._conn is not None, timeout):
                raise AssertionError(f"no Socket Mode client connected within {timeout}s")

    def send(self, envelope_type: str, payload: Json, accepts_response_payload: bool = True) -> str:
        """Push one envelope (slash_commands, interactive, events_api) to the client."""
        envelope_id = str(uuid.uuid4())
        envelope = {
            "envelope_id": envelope_id,
            "type": envelope_type,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
        }
        if envelope_type == "events_api":
            envelope["retry_attempt"] = 0
            envelope["retry_reason"] = ""
        with self._cond:
            conn = self._conn
        if conn is None:
            raise AssertionError("no Socket Mode client is connected")
        conn.send(json.dumps(envelope))
        return envelope_id

    def wait_ack(self, envelope_id: str, timeout: float = 5.0) -> Json:
        with self._cond:
            if not self._cond.wait_for(lambda: envelope_id in self._acks, timeout):
                raise AssertionError(
                    f"no ack for envelope {envelope_id} within {timeout}s; "
                    f"received {len(self._received)} message(s)"
                )
            return dict(self._acks[envelope_id])
