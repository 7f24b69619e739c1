"""``SlackStandIn``: a real HTTP Slack Web API on 127.0.0.1 for tests, console and benchmarks.

Why real HTTP: the bot's WebClient, retry handlers and proxy handling are part of what we
test, so the stand-in is reached exactly like slack.com (only ``base_url`` differs). Stdlib
only, one Condition for all shared state, no sleeps: waiters are woken by what they wait for.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from typing import Any

from app.standin.api import WebApi, _fail
from app.standin.functions import manifest_functions
from app.standin.handler import ApiHandler
from app.standin.limits import PostLimits
from app.standin.scopes import installed_scopes, needed_scope
from app.standin.state import APP_ID
from app.standin.subscriptions import (
    EventNotSubscribed,
    app_subscriptions,
    install_refusal,
    refusal,
)

Json = dict[str, Any]
TOKENLESS = frozenset({"oauth.v2.access"})  # the app authenticates with client id and secret


@dataclass(frozen=True)
class ApiCall:
    """One recorded Web API request, including injected failures (``status`` != 200)."""

    method: str
    params: Json
    token: str | None
    at: float
    status: int = 200
    response: Json | None = None
    team_id: str | None = None  # the team whose token made the call (or whose code was used)

    @property
    def ok(self) -> bool:
        return self.status == 200 and bool(self.response and self.response.get("ok"))


@dataclass
class _Fault:
    status: int
    count: int
    retry_after: int
    error: str | None
    drop_connection: bool = False
    hang: float = 0.0  # seconds to hold the request before dropping it: a client-side timeout


class SlackStandIn(WebApi):
    """Slack's Web API, response URLs and (optionally) Socket Mode, served locally."""

    def __init__(
        self,
        bot_token: str = "xoxb-test",  # noqa: S107 - a fake token for a fake Slack
        app_token: str = "xapp-test",  # noqa: S107
        team_id: str = "T0001",
        team_domain: str = "acme",
        clock: Callable[[], float] | None = None,
        *,
        scopes: Iterable[str] | None = None,
        bot_events: Iterable[str] | None = None,
        strict_membership: bool = True,
    ) -> None:
        super().__init__(
            team_id=team_id,
            team_domain=team_domain,
            strict_membership=strict_membership,
            **_clock_kw(clock),
        )
        #: The bot scopes every install granted (default: manifest.yml's).
        self.scopes: tuple[str, ...] = tuple(scopes if scopes is not None else installed_scopes())
        #: The bot events the app subscribes to (default: manifest.yml's); nothing else is
        #: delivered (check_event).
        subscriptions = app_subscriptions()
        self.bot_events: tuple[str, ...] = tuple(
            bot_events if bot_events is not None else subscriptions.bot_events
        )
        self.events_api = subscriptions.events_api
        self.bot_token = bot_token
        self.app_token = app_token
        self._init_installs(bot_token)
        self._init_functions()
        self._init_canvases()
        self._calls: list[ApiCall] = []
        self._faults: dict[str, list[_Fault]] = {}
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._socket: Any = None  # SocketModeServer, created lazily (websockets is optional)
        self._sent_envelopes: dict[str, Json] = {}  # interactive ones, until their ack is read
        self.limits: PostLimits | None = None  # chat.postMessage rate limits, off by default

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> SlackStandIn:
        """Bind 127.0.0.1 on a free port and serve in a daemon thread."""
        if self._httpd is not None:
            return self
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), ApiHandler)
        httpd.daemon_threads = True
        httpd.standin = self  # type: ignore[attr-defined]
        self._httpd = httpd
        # The poll interval bounds how long stop() waits for the loop to notice; tests start
        # and stop a stand-in each, so 10 ms (100 idle wake-ups a second) rather than 50.
        self._thread = threading.Thread(
            target=httpd.serve_forever, args=(0.01,), name="slack-standin", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop Socket Mode and the HTTP server; safe to call twice."""
        if self._socket is not None:
            self._socket.stop()
            self._socket = None
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> SlackStandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("SlackStandIn is not started")
        return int(self._httpd.server_address[1])

    @property
    def api_url(self) -> str:
        """What the bot passes as ``WebClient(base_url=...)``."""
        return f"{self._base_url()}api/"

    def _base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    # -- Socket Mode -----------------------------------------------------------------------

    def start_socket_mode(self) -> str:
        """Start the WebSocket endpoint that apps.connections.open hands out; returns its URL."""
        from app.standin.socket_mode import SocketModeServer

        with self._cond:
            if self._socket is None:
                self._socket = SocketModeServer(app_id=APP_ID)
                self._socket.start()
            return str(self._socket.url)

    def _socket_url(self) -> str | None:
        return str(self._socket.url) if self._socket is not None else None

    def _require_socket(self) -> Any:
        if self._socket is None:
            raise RuntimeError("call start_socket_mode() first")
        return self._socket

    def socket_wait_connected(
        self, timeout: float = 10.0, *, count: int = 1, seen: int = 0
    ) -> None:
        """Until ``count`` clients are connected, and more than ``seen`` ever connected
        (pass ``socket_connections_seen`` from before a disconnect to wait for a reconnect)."""
        self._require_socket().wait_connected(timeout, count=count, seen=seen)

    def socket_wait_settled(self, timeout: float = 10.0) -> None:
        """Until exactly one client connection is open (after a reconnect closed the old one)."""
        self._require_socket().wait_settled(timeout)

    @property
    def socket_connections_seen(self) -> int:
        return int(self._require_socket().connections_seen)

    def socket_send(
        self, envelope_type: str, payload: Json, accepts_response_payload: bool | None = None
    ) -> str:
        """Push an envelope to a connected client; returns its envelope_id.

        ``accepts_response_payload`` defaults to what Slack sets for that envelope type. An
        ``events_api`` envelope must carry an event the app subscribes to (check_event).
        """
        if envelope_type == "events_api":
            authorization = (payload.get("authorizations") or [{}])[0]
            org_wide = bool(authorization.get("is_enterprise_install"))
            install = (
                authorization.get("enterprise_id") if org_wide else authorization.get("team_id")
            ) or payload.get("team_id")
            self.check_event(payload.get("event"), org_wide=org_wide, install=install)
        envelope_id = str(
            self._require_socket().send(envelope_type, payload, accepts_response_payload)
        )
        if envelope_type in ("interactive", "slash_commands"):
            with self._cond:
                self._sent_envelopes[envelope_id] = payload
        return envelope_id

    def socket_disconnect(self, reason: str = "refresh_requested") -> None:
        """Slack's ``{"type": "disconnect", "reason": ...}`` to every client (then a close,
        except for ``warning``)."""
        self._require_socket().disconnect(reason)

    def socket_ping(self, timeout: float = 5.0) -> int:
        """Ping every client; the number that answered."""
        return int(self._require_socket().ping(timeout))

    def socket_wait_ack(self, envelope_id: str, timeout: float = 5.0) -> Json:
        """The client's ack for ``envelope_id`` (``{"envelope_id", "payload"?}``), read as
        Slack reads it: a submission's response_action changes the person's modal
        (answer_interaction; AckRefused for what Slack refuses)."""
        ack = dict(self._require_socket().wait_ack(envelope_id, timeout))
        with self._cond:
            payload = self._sent_envelopes.pop(envelope_id, None)
        if payload is not None:
            self.answer_interaction(payload, 200, ack.get("payload"))
        return ack

    # -- Events API ------------------------------------------------------------------------

    def check_event(
        self, event: Any, *, org_wide: bool = False, install: str | None = None
    ) -> None:
        """Raise EventNotSubscribed, naming what is missing, unless Slack would send ``event``
        to this app: subscribed in manifest.yml with its scope granted, or a run of a function
        the manifest declares, that this stand-in started (subscriptions.py has the rules);
        and, for the install on ``install`` (a workspace, or the organisation of an org-wide
        install; default the stand-in's own team), nothing but ``app_uninstalled`` and
        ``tokens_revoked`` once the app was uninstalled there (``subscriptions.install_refusal``).
        """
        channel = event.get("channel") if isinstance(event, dict) else None
        running_a_step = isinstance(event, dict) and event.get("type") == "function_executed"
        problem = refusal(
            event,
            subscribed=self.bot_events,
            events_api=self.events_api,
            scopes=self.scopes,
            org_wide=org_wide,
            channel_kind=self.conversation_kind(channel) if isinstance(channel, str) else None,
            declared_functions=manifest_functions() if running_a_step else (),
        )
        if problem is None and isinstance(event, dict):
            team = install or self.team_id
            problem = install_refusal(event.get("type"), team, installed=self.is_installed(team))
        if problem is None and running_a_step:
            execution_id = str(event.get("function_execution_id") or "")
            if not self.execution_started(execution_id):
                problem = (
                    f"function_executed for {execution_id!r}, a run Slack never started "
                    "(start one with start_function or Workspace.step)"
                )
        if problem is not None:
            raise EventNotSubscribed(problem)

    # -- recording -------------------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[ApiCall]:
        with self._cond:
            return [c for c in self._calls if method in (None, c.method)]

    def reset(self) -> None:
        """Forget recorded calls, messages, views, responses and pending faults."""
        with self._cond:
            self._calls.clear()
            self._faults.clear()
            self._clear_records()

    def wait_for(
        self,
        method: str,
        predicate: Callable[[ApiCall], bool] = lambda call: True,
        count: int = 1,
        timeout: float = 5.0,
        include_failed: bool = False,
    ) -> list[ApiCall]:
        """Block until ``count`` matching calls are recorded; AssertionError with a summary."""

        def matching() -> list[ApiCall]:
            return [
                c
                for c in self._calls
                if c.method == method and (include_failed or c.status == 200) and predicate(c)
            ]

        with self._cond:
            if self._cond.wait_for(lambda: len(matching()) >= count, timeout):
                return matching()[:count]
            raise AssertionError(
                f"expected {count} {method} call(s) matching within {timeout}s, "
                f"got {len(matching())}\n{self._summary()}"
            )

    def wait_until(
        self, condition: Callable[[], bool], timeout: float = 5.0, what: str = "condition"
    ) -> None:
        """Block until ``condition()`` (evaluated under the lock) holds, e.g. on responses()."""
        with self._cond:
            if not self._cond.wait_for(condition, timeout):
                raise AssertionError(
                    f"timed out after {timeout}s waiting for {what}\n{self._summary()}"
                )

    def _summary(self) -> str:
        lines = [f"recorded {len(self._calls)} call(s):"]
        for c in self._calls[-25:]:
            outcome = "ok" if c.ok else (c.response or {}).get("error", f"HTTP {c.status}")
            shown = {k: v for k, v in c.params.items() if k in ("channel", "text", "user")}
            lines.append(f"  {c.method} -> {outcome} {json.dumps(shown)[:160]}")
        lines.append(f"responses: {len(self._responses)}, messages: {len(self._messages)}")
        return "\n".join(lines)

    def _record(self, call: ApiCall) -> None:
        with self._cond:
            self._calls.append(call)
            self._cond.notify_all()

    # -- fault injection -------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        status: int = 429,
        count: int = 1,
        retry_after: int = 1,
        error: str | None = None,
        drop_connection: bool = False,
        hang: float = 0.0,
    ) -> None:
        """Make the next ``count`` calls of ``method`` fail (HTTP status, Slack error or drop).

        ``hang`` holds each such request that many seconds, then drops it unanswered and
        unprocessed: what a client sees as a read timeout when the request never took effect.
        """
        with self._cond:
            fault = _Fault(status, count, retry_after, error, drop_connection or hang > 0, hang)
            self._faults.setdefault(method, []).append(fault)

    def limit_posts(self, per_channel: float = 1.0, workspace: float = 100.0) -> PostLimits:
        """Answer chat.postMessage over these rates with 429 + Retry-After, as Slack does."""
        with self._cond:
            self.limits = PostLimits(per_channel=per_channel, workspace=workspace)
            return self.limits

    def _take_fault(self, method: str, params: Json) -> _Fault | None:
        with self._cond:
            if self.limits is not None and method == "chat.postMessage":
                wait = self.limits.check(str(params.get("channel")), self.clock())
                if wait is not None:
                    return _Fault(429, 1, wait, "ratelimited")
            queue = self._faults.get(method) or []
            if not queue:
                return None
            fault = queue[0]
            fault.count -= 1
            if fault.count <= 0:
                queue.pop(0)
            return fault

    # -- request entry point (called from handler threads) ---------------------------------

    def _token_kind(self, token: str | None) -> tuple[str | None, str | None]:
        """("bot" | "expired" | "app" | None, the team the token belongs to)."""
        if token and token == self.app_token:
            return "app", self.team_id
        if token and token.startswith("xwfp-"):  # a workflow step's token, while it runs
            return self._function_token_state(token)
        return self._bot_token_state(token)

    def _api(self, method: str, params: Json, token: str | None) -> tuple[_Fault | None, Json]:
        fault = self._take_fault(method, params)
        kind, team = self._token_kind(token)
        if fault is not None:
            body = _fault_body(fault)
        elif method in TOKENLESS:
            body = self._dispatch(method, params)
            team = (body.get("team") or body.get("enterprise") or {}).get("id")
        elif kind is None:
            body = _fail("not_authed" if not token else "invalid_auth")
        elif kind == "expired":
            body = _fail("token_expired")
        elif (kind == "app") != (method == "apps.connections.open"):
            body = _fail("not_allowed_token_type")
        else:
            body = self._scope_refusal(method, params) or self._dispatch(method, params, team)
        status = fault.status if fault and not fault.drop_connection else 200
        status = 0 if fault and fault.drop_connection else status
        self._record(ApiCall(method, params, token, self.clock(), status, body, team))
        return fault, body

    def _scope_refusal(self, method: str, params: Json) -> Json | None:
        """Slack's ``missing_scope`` when the installed scopes lack what ``method`` needs."""
        if method == "apps.connections.open":
            return None  # the app-level token's scope; the stand-in's app token has it
        try:
            kind = self.conversation_kind(str(params.get("channel") or ""))
            needed = needed_scope(method, kind)
        except KeyError:
            return None  # unknown methods answer unknown_method from the dispatcher
        if needed is None or needed in self.scopes:
            return None
        return _fail("missing_scope", needed=needed, provided=",".join(self.scopes))


def _clock_kw(clock: Callable[[], float] | None) -> dict[str, Callable[[], float]]:
    return {"clock": clock} if clock is not None else {}


def _fault_body(fault: _Fault) -> Json:
    if fault.status == 429:
        return _fail(fault.error or "ratelimited")
    return _fail(fault.error or f"http_{fault.status}")
