"""Listener tests: a signed request dispatched in-process through Bolt, against the stand-in.

The Bolt app is built exactly as `serve` builds it (app.wiring.build_runtime, HTTP mode, so
the signature is checked) but no HTTP server runs in front of it: `Workspace`'s payloads are
handed to `App.dispatch` directly, and everything the listeners send goes over real HTTP to
the Slack stand-in. Fast enough for the inner loop.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping

import pytest
from slack_bolt import BoltRequest
from sqlalchemy.orm import Session, sessionmaker

from app.domain.clock import ManualClock
from app.standin import Reply, SlackStandIn, Workspace, sign
from app.wiring import Runtime, build_runtime
from tests.e2e.conftest import SIGNING_SECRET, bot_settings, errors_logged, standin

__all__ = ["errors_logged", "standin"]  # fixtures shared with tests/e2e


class InProcessWorkspace(Workspace):
    """Slack's side of the conversation, delivering each request by `App.dispatch` and
    returning once every listener has finished what it started after ack()."""

    def __init__(self, standin: SlackStandIn, runtime: Runtime) -> None:
        super().__init__(standin, bot_url="in-process", signing_secret=SIGNING_SECRET)
        self.runtime = runtime

    def send_raw(
        self,
        body: bytes | str,
        content_type: str,
        timestamp: str | int | None = None,
        signature: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        raw = body.decode() if isinstance(body, bytes) else body
        ts = str(int(self.clock())) if timestamp is None else str(timestamp)
        all_headers = {
            "content-type": content_type,
            "x-slack-request-timestamp": ts,
            "x-slack-signature": sign(self.signing_secret, ts, raw)
            if signature is None
            else signature,
            **{k.lower(): v for k, v in (headers or {}).items()},
        }
        started = time.perf_counter()
        response = self.runtime.bolt.dispatch(BoltRequest(body=raw, headers=all_headers))
        self.runtime.settle()
        body_text = response.body if isinstance(response.body, str) else str(response.body)
        flat = {k: v[0] for k, v in response.headers.items() if v}
        return Reply(response.status, body_text, time.perf_counter() - started, flat)

    @property
    def sessions(self) -> sessionmaker[Session]:
        return self.runtime.deps.sessions


@pytest.fixture
def runtime(standin: SlackStandIn, database_url: str, clock: ManualClock) -> Iterator[Runtime]:
    """The app `serve` runs (the database fixture is already migrated), with no server. Not
    started: on a fresh database start-up's catch-up sweeps find nothing, and the fast loop
    need not pay for them in every test (tests that want them call run_due())."""
    settings = bot_settings(standin, database_url)
    built = build_runtime(settings, "http", clock=clock, migrate=False, start=False)
    yield built
    built.close()


@pytest.fixture
def slack(standin: SlackStandIn, runtime: Runtime) -> InProcessWorkspace:
    return InProcessWorkspace(standin, runtime)
