"""``Workspace``: plays Slack's side towards the bot's ``POST /slack/events``.

Why: end-to-end tests should reach the bot the way Slack does, through its signature check,
form encoding and 3-second ack path, with response_urls and trigger_ids the stand-in
will later honour or refuse. Proxy variables are never honoured: this is loopback traffic.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from app.standin import payloads
from app.standin.server import SlackStandIn

Json = dict[str, Any]
FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Reply:
    """The bot's HTTP answer to one request."""

    status: int
    body: str
    elapsed: float
    headers: Mapping[str, str] = field(default_factory=dict)
    # A command's acknowledgement shown as an ephemeral message: its ts, to click on it.
    ephemeral_ts: str | None = None

    @property
    def json(self) -> Any:
        """The body parsed as JSON, or None when empty or not JSON (acks are often empty)."""
        try:
            return json.loads(self.body) if self.body.strip() else None
        except ValueError:
            return None


def sign(signing_secret: str, timestamp: str, body: bytes | str) -> str:
    """Slack's request signature: ``v0=`` + hex HMAC-SHA256 of ``v0:{ts}:{body}``."""
    raw = body.encode() if isinstance(body, str) else body
    base = f"v0:{timestamp}:".encode() + raw
    return "v0=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class StepRun:
    """One run of a workflow step: its execution id, the exact event body, the bot's replies."""

    execution_id: str
    body: str
    replies: list[Reply] = field(default_factory=list)


class Workspace:
    """A signed Slack client aimed at one bot URL, backed by a ``SlackStandIn``."""

    def __init__(
        self,
        standin: SlackStandIn,
        bot_url: str,
        signing_secret: str,
        team_id: str | None = None,
        team_domain: str | None = None,
        api_app_id: str = "A0001",
        clock: Callable[[], float] = time.time,
        timeout: float = 10.0,
        enterprise_id: str | None = None,
    ) -> None:
        self.standin = standin
        self.bot_url = bot_url
        self.signing_secret = signing_secret
        # Requests come from this workspace (default: the stand-in's own team).
        self.team_id = team_id or standin.team_id
        self.team_domain = team_domain or standin.team(self.team_id).domain
        self.api_app_id = api_app_id
        # Set: the app is installed org-wide on this Enterprise Grid organisation.
        self.enterprise_id = enterprise_id
        self.clock = clock
        self.timeout = timeout
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    @property
    def install(self) -> str:
        """Where the app is installed for this workspace: its organisation when org-wide."""
        return self.enterprise_id or self.team_id

    def _team(self) -> Json:
        """The workspace its payloads say they come from (and its org, for org-wide installs)."""
        team = {"id": self.team_id, "domain": self.team_domain}
        if self.enterprise_id:
            team["enterprise_id"] = self.enterprise_id
        return team

    # -- what users do ---------------------------------------------------------------------

    def command(self, user: str, channel: str, text: str = "", command: str = "/decide") -> Reply:
        """Run a slash command; the bot gets a fresh response_url and trigger_id."""
        fields = payloads.slash_command(
            self.standin,
            user=user,
            channel=channel,
            text=text,
            command=command,
            api_app_id=self.api_app_id,
            team=self._team(),
        )
        reply = self.send_raw(urlencode(fields), FORM)
        self.standin.answer_interaction(fields, reply.status, reply.body)
        body = reply.json
        if (
            reply.status == 200
            and isinstance(body, dict)
            and (body.get("text") or body.get("blocks"))
            and body.get("response_type") != "in_channel"
        ):  # Slack shows an acknowledgement with content as an ephemeral message
            shown = self.standin.show_acknowledgement(channel, user, body)
            reply = dataclasses.replace(reply, ephemeral_ts=shown)
        return reply

    def click(
        self,
        user: str,
        action_id: str,
        message: Json | None = None,
        value: str | None = None,
        selected_user: str | None = None,
        selected_option: Any = None,
        view: Json | None = None,
        ephemeral: Json | None = None,
    ) -> Reply:
        """Click/select ``action_id`` on a stored bot message, inside a stored view (a modal
        or the Home tab), or on an ephemeral message as ``standin.ephemerals()`` holds it."""
        payload = payloads.block_actions(
            self.standin,
            user=user,
            action_id=action_id,
            api_app_id=self.api_app_id,
            message=message,
            view=view,
            ephemeral=ephemeral,
            value=value,
            selected_user=selected_user,
            selected_option=selected_option,
            team=self._team(),
        )
        return self.interaction(payload)

    def submit(self, user: str, view: Json, values: Json | None = None) -> Reply:
        """Submit a stored modal; ``values`` is block_id -> action_id -> Python value.

        The bot's ack then changes the person's modal as Slack's would (``current_view``):
        closed, updated, pushed, cleared, or kept with errors; ``AckRefused`` (the modal left
        as it was) for an answer Slack refuses (app.standin.modals)."""
        payload = payloads.view_submission(
            self.standin,
            user=user,
            view=view,
            values=values or {},
            api_app_id=self.api_app_id,
            team=self._team(),
        )
        return self.interaction(payload)

    def shortcut(self, user: str, callback_id: str, message: Json, channel: str) -> Reply:
        """Invoke a message shortcut on ``message``."""
        payload = payloads.message_action(
            self.standin,
            user=user,
            callback_id=callback_id,
            message=message,
            channel=channel,
            api_app_id=self.api_app_id,
            team=self._team(),
        )
        return self.interaction(payload)

    def event(
        self,
        event: Json,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str | None = None,
    ) -> Reply:
        """Deliver an Events API event; retry headers mimic Slack's redelivery.

        Only an event Slack would send this app: one manifest.yml subscribes to, with its
        scope granted, and after ``standin.uninstall`` only ``app_uninstalled`` or
        ``tokens_revoked`` (``EventNotSubscribed`` names what is missing; subscriptions.py)."""
        self.standin.check_event(event, org_wide=bool(self.enterprise_id), install=self.install)
        body = payloads.event_callback(
            self.standin,
            event=event,
            api_app_id=self.api_app_id,
            event_id=event_id,
            team=self._team(),
        )
        headers: dict[str, str] = {}
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = retry_reason or "http_timeout"
        return self.send_raw(json.dumps(body), "application/json", headers=headers)

    def user_change(self, user_id: str) -> Reply:
        """What Slack sends when a person changes (deactivated, renamed...): `user_change`
        with the whole user object as users.info now shows it."""
        user = self.standin.user_object(user_id)
        if user is None:
            raise ValueError(f"no user {user_id} in the stand-in")
        return self.event({"type": "user_change", "user": user, "cache_ts": 1700000000})

    def step(self, callback_id: str, inputs: Json, *, send: bool = True) -> StepRun:
        """Run the app's workflow step `callback_id` as Workflow Builder does: a new function
        execution and its `function_executed` event (delivered unless `send` is False; then
        deliver `run.body` yourself, as often and as concurrently as the test needs)."""
        event = self.standin.start_function(callback_id, inputs)
        self.standin.check_event(event, org_wide=bool(self.enterprise_id), install=self.install)
        body = payloads.event_callback(
            self.standin, event=event, api_app_id=self.api_app_id, team=self._team()
        )
        run = StepRun(event["function_execution_id"], json.dumps(body))
        if send:
            run.replies.append(self.send_raw(run.body, "application/json"))
        return run

    def url_verification(self, challenge: str | None = None) -> Reply:
        """What Slack sends once when the Request URL is set: no event_callback and no
        subscription, just a challenge the app must echo (docs.slack.dev/reference/events/
        url_verification)."""
        body = {
            "token": payloads.VERIFICATION_TOKEN,
            "challenge": challenge or secrets.token_urlsafe(24),
            "type": "url_verification",
        }
        return self.send_raw(json.dumps(body), "application/json")

    def redeliver(self, run: StepRun, retry_num: int = 1) -> Reply:
        """Slack's redelivery of the same event (same event_id), with its retry headers."""
        headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        reply = self.send_raw(run.body, "application/json", headers=headers)
        run.replies.append(reply)
        return reply

    def interaction(self, payload: Json) -> Reply:
        """Send any interaction payload form-encoded as ``payload=<json>``; Slack then reads
        the ack (SlackStandIn.answer_interaction)."""
        reply = self.send_raw(urlencode({"payload": json.dumps(payload)}), FORM)
        self.standin.answer_interaction(payload, reply.status, reply.body)
        return reply

    # -- stand-in shortcuts ----------------------------------------------------------------

    def latest_view(self, user: str) -> Json | None:
        return self.standin.latest_view(user)

    def current_view(self, user: str) -> Json | None:
        """The view ``user`` sees: the top of their open modal's stack."""
        return self.standin.current_view(user)

    def latest_message(self, channel: str) -> Json | None:
        found = self.standin.messages(channel)
        return found[-1] if found else None

    # -- transport -------------------------------------------------------------------------

    def send_raw(
        self,
        body: bytes | str,
        content_type: str,
        timestamp: str | int | None = None,
        signature: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        """POST ``body`` to the bot. By default signed correctly with the current clock;
        pass ``timestamp``/``signature`` to forge them, or ``""`` to omit the header."""
        raw = body.encode() if isinstance(body, str) else body
        ts = str(int(self.clock())) if timestamp is None else str(timestamp)
        if signature is None:
            signature = sign(self.signing_secret, ts, raw)
        all_headers = {"Content-Type": content_type, "User-Agent": "Slackbot 1.0"}
        if ts:
            all_headers["X-Slack-Request-Timestamp"] = ts
        if signature:
            all_headers["X-Slack-Signature"] = signature
        all_headers.update(headers or {})
        request = urllib.request.Request(  # noqa: S310 - fixed http URL chosen by the test
            self.bot_url, data=raw, headers=all_headers, method="POST"
        )
        started = time.perf_counter()
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                text = response.read().decode("utf-8", "replace")
                status, got = response.status, dict(response.headers.items())
        except urllib.error.HTTPError as error:
            text = error.read().decode("utf-8", "replace")
            status, got = error.code, dict(error.headers.items())
        return Reply(status, text, time.perf_counter() - started, got)
