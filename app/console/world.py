"""Everything the console runs: the stand-in Slack, the real bot on 127.0.0.1, a fake clock.

Requests go through the same signed HTTP path Slack uses; the bot's Web API calls go over real
HTTP to the stand-in; `changes()` reports what the bot did since the last look.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from app.config import Settings
from app.domain.clock import ManualClock
from app.jobs.sweeps import latest_recorded, next_due, run_due
from app.server import BackgroundServer
from app.standin import SlackStandIn, Workspace
from app.wiring import build_runtime, make_wsgi_app

TEAM = "T0DEMO"
ADMINS = {"U0ALICE"}  # so the charter, rotations and steward can be tried from the console
PEOPLE = {  # id: (name, time zone)
    "U0ALICE": ("alice", "Europe/Berlin"),
    "U0BOB": ("bob", "Europe/Berlin"),
    "U0CAROL": ("carol", "Europe/London"),
    "U0DAVE": ("dave", "America/New_York"),
    "U0ERIN": ("erin", "Asia/Kolkata"),
}
CHANNELS = {"C0GENERAL": "general", "C0DESIGN": "design", "C0PLATFORM": "platform"}
FAKE_TOKEN = "xoxb-console"  # noqa: S105 - what the stand-in accepts; not a secret
PROXY_VARIABLES = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
)


@dataclass
class Change:
    """One thing the bot did that the person at the keyboard may see."""

    kind: str  # message | update | ephemeral | modal | home
    channel: str | None = None
    user: str | None = None
    message: dict | None = None
    view: dict | None = None
    blocks: list = field(default_factory=list)
    text: str = ""
    ts: str | None = None  # an ephemeral message's ts: what clicking its buttons refers to
    updated: bool = False  # an ephemeral message replaced in place


class World:
    def __init__(
        self, database: Path, clock: ManualClock | None = None, charts: Path | None = None
    ) -> None:
        self.database = database
        for name in PROXY_VARIABLES:  # slack_sdk would send even loopback traffic to a proxy
            os.environ.pop(name, None)
        # The console's screen is the transcript: log lines would interleave with it. Put back
        # on close, so a process that goes on (a test run) keeps its own logging.
        self._log_level = logging.getLogger().level
        logging.getLogger().setLevel(logging.ERROR)
        self.clock = clock or ManualClock()
        self.standin = SlackStandIn(bot_token=FAKE_TOKEN, team_id=TEAM, team_domain="demo")
        self.standin.start()
        for user_id, (name, tz) in PEOPLE.items():
            self.standin.add_user(user_id, name, tz=tz, is_admin=user_id in ADMINS)
        for channel_id, name in CHANNELS.items():
            self.standin.add_channel(channel_id, name)
        secret = secrets.token_hex(16)
        settings = Settings(
            slack_bot_token=FAKE_TOKEN,
            slack_signing_secret=secret,
            database_url=f"sqlite:///{database}",
            slack_api_url=self.standin.api_url,
            log_level="ERROR",
        )
        self.runtime = build_runtime(settings, "http", clock=self.clock)
        self.server: BackgroundServer | None = BackgroundServer(make_wsgi_app(self.runtime)).start()
        self.slack = Workspace(
            self.standin, bot_url=f"{self.server.url}/slack/events", signing_secret=secret
        )
        self._seen_calls = 0
        self._seen_responses = 0
        self._seen_files = 0
        # Where the images the bot uploads (charts) are written, so they can be opened.
        self.charts = charts or database.parent / "console-charts"
        if clock is None:
            self._resume()

    def _resume(self) -> None:
        """On a database with a history, carry on from its latest moment rather than go back
        to today: a console that was left on Friday next week restarts on Friday next week."""
        latest = latest_recorded()
        if latest is not None and latest > self.clock.now():
            self.clock.set(latest)

    # -- who is who ----------------------------------------------------------------------

    def user_id(self, name: str) -> str | None:
        name = name.lstrip("@").lower()
        return next((uid for uid, (n, _) in PEOPLE.items() if n == name), None)

    def name(self, user_id: str) -> str:
        return PEOPLE.get(user_id, (user_id, ""))[0] if user_id != "UBOT" else "Deference"

    def tz(self, user_id: str) -> str:
        return PEOPLE.get(user_id, ("", "UTC"))[1]

    def channel_id(self, name: str) -> str | None:
        name = name.lstrip("#").lower()
        return next((cid for cid, n in CHANNELS.items() if n == name), None)

    def channel_name(self, channel_id: str) -> str:
        owner = self.dm_owner(channel_id)
        if owner is not None:
            return f"DM with {self.name(owner)}"
        return "#" + CHANNELS.get(channel_id, channel_id)

    def plain_channel_name(self, channel_id: str) -> str:
        """A channel's name without '#', as Slack draws a <#C…> mention."""
        return CHANNELS.get(channel_id, channel_id)

    def dm_owner(self, channel_id: str) -> str | None:
        """The person whose DM with the bot ``channel_id`` is (Slack answers posts to a
        user id with the DM's ``D…`` id), or None for a channel."""
        if channel_id in PEOPLE:
            return channel_id
        return next((uid for uid in PEOPLE if self.standin.dm_id(uid) == channel_id), None)

    # -- time ------------------------------------------------------------------------------

    def advance(self, delta: timedelta, on_stop: Callable[[], None] = lambda: None) -> None:
        """Move the clock on, stopping at each moment something falls due (a check-in, a
        retro, a poll closing, a deadline) to run it then, as the scheduler would have: the
        simulated clock never makes anything late."""
        target = self.clock.now() + delta
        while (moment := next_due(self.clock.now(), target)) is not None:
            self.clock.set(moment)
            run_due()
            self.settle()
            on_stop()
        self.clock.set(target)
        run_due()
        self.settle()

    def settle(self) -> None:
        self.runtime.settle()

    # -- what happened ---------------------------------------------------------------------

    def changes(self) -> list[Change]:
        calls = self.standin.calls()
        new_calls, self._seen_calls = calls[self._seen_calls :], len(calls)
        responses = self.standin.responses()
        new_responses, self._seen_responses = responses[self._seen_responses :], len(responses)
        found: list[Change] = []
        for call in new_calls:
            if not call.ok:
                continue
            params = call.params
            if call.method in ("chat.postMessage", "chat.update"):
                stored = self.message(str(params["channel"]), str(call.response.get("ts")))
                kind = "message" if call.method == "chat.postMessage" else "update"
                if stored:
                    found.append(
                        Change(
                            kind,
                            channel=stored["channel"],
                            message=stored,
                            blocks=stored.get("blocks") or [],
                            text=stored.get("text") or "",
                        )
                    )
            elif call.method == "chat.postEphemeral":
                found.append(
                    Change(
                        "ephemeral",
                        channel=params.get("channel"),
                        user=params.get("user"),
                        blocks=params.get("blocks") or [],
                        text=params.get("text") or "",
                        ts=call.response.get("message_ts"),
                    )
                )
            elif call.method in ("views.open", "views.push", "views.update"):
                view = call.response.get("view") or {}
                found.append(
                    Change("modal", user=self.standin.view_user(view.get("id", "")), view=view)
                )
            elif call.method == "views.publish":
                found.append(Change("home", user=params.get("user_id"), view=params.get("view")))
        found += self._files()
        for response in new_responses:
            payload = response["payload"]
            replaces = payload.get("replace_original") or payload.get("delete_original")
            if replaces and not response.get("ephemeral_ts"):
                continue  # a channel message changed in place, or an ephemeral one deleted
            kind = "message" if payload.get("response_type") == "in_channel" else "ephemeral"
            found.append(
                Change(
                    kind,
                    channel=response["channel"],
                    user=response["user"],
                    blocks=payload.get("blocks") or [],
                    text=payload.get("text", ""),
                    ts=response.get("ephemeral_ts"),
                    updated=bool(replaces),
                )
            )
        return found

    def _files(self) -> list[Change]:
        """Files the bot shared since the last look, written to the charts folder."""
        shared = self.standin.uploaded_files()
        new, self._seen_files = shared[self._seen_files :], len(shared)
        found = []
        for number, upload in enumerate(new, self._seen_files - len(new) + 1):
            self.charts.mkdir(parents=True, exist_ok=True)
            safe = "".join(c if c.isalnum() or c in ".-_" else "-" for c in upload["name"])
            path = self.charts / f"{number:03d}-{safe}"
            path.write_bytes(upload["bytes"] or b"")
            found.append(
                Change(
                    "file",
                    channel=upload["channel"],
                    message={"thread_ts": upload.get("thread_ts")},
                    text=f"{upload['title']}: {path.resolve()}",
                )
            )
        return found

    def message(self, channel: str, ts: str) -> dict | None:
        return next((m for m in self.standin.messages(channel) if m["ts"] == ts), None)

    def close(self) -> None:
        """Stop taking requests, let listeners finish their transactions, then shut down."""
        if self.server is None:
            return  # closed already
        self.server.stop()
        self.runtime.close()
        self.standin.stop()
        self.server = None
        logging.getLogger().setLevel(self._log_level)
