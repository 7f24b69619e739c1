"""Forms that cannot be forged: a modal's private_metadata is sealed where it is opened.

private_metadata travels through the client and comes back on submission, so anything in it
could be rewritten (another channel, another team's decision). Every modal the bot opens goes
through `FormSeal.seal`, which adds an HMAC over the metadata and over where the form was
opened: the team, the person (as a keyed digest, never the id: some forms are anonymous), the
channel, the form's callback_id and an expiry. The payload
middleware (inject.py) runs `FormSeal.unseal` on every submission before any listener sees it;
a seal that is missing, altered, foreign or expired is refused as a BadPayload (HTTP 400, one
WARNING line, no body logged).

One field stays outside the seal: `response_url`. It is Slack's own capability, already
accepted only on Slack's host (Deps.trusted_response_url) and only ever used to answer the
person submitting; everything else, the channel in particular, is sealed.

The key: HMAC-SHA256 of a fixed label under the signing secret (HTTP mode; every worker
shares it, so any worker accepts a form another opened). Socket Mode without a signing secret
uses the app-level token instead, which is as secret and as stable across restarts; with
neither (the console, some tests) a random per-process key, so forms opened before a restart
are refused and must be opened again.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.models.views import View

from app.listeners.payloads import (
    BadPayload,
    BlockActions,
    CommandPayload,
    MessageShortcut,
    ViewSubmission,
)

SEAL = "_seal"
UNSEALED = frozenset({"response_url"})
LIFETIME = timedelta(hours=24)  # a modal left open overnight still submits
LABEL = b"deference/private_metadata/v1"


class ForgedForm(BadPayload):
    """A submission whose private_metadata the bot did not seal for this person and place."""


def derive_key(secret: str | None) -> bytes:
    """The sealing key from a secret the process already holds; random when there is none."""
    if not secret:
        return secrets.token_bytes(32)
    return hmac.new(secret.encode(), LABEL, hashlib.sha256).digest()


@dataclass(frozen=True)
class Origin:
    """Where and by whom a form was opened."""

    team_id: str
    user_id: str
    channel_id: str | None


def origin_of(request: BlockActions | CommandPayload | MessageShortcut) -> Origin:
    """Where a form is being opened from. The team is the workspace the middleware resolved
    from Bolt's context (`team_id`, inject.py), never the payload's `team`: that is null for
    org-wide installs, and a Slack Connect member's submission names their own organisation.
    `unseal` compares it with the submission's resolved `team_id`, like for like."""
    if isinstance(request, CommandPayload):
        return Origin(request.team_id, request.user_id, request.channel_id)
    if isinstance(request, MessageShortcut):
        return Origin(request.team_id, request.user.id, request.channel.id)
    return Origin(request.team_id, request.user.id, request.channel_id)


@dataclass(frozen=True)
class FormSeal:
    key: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)
    lifetime: timedelta = LIFETIME

    def seal(self, view: View, origin: Origin, now: datetime) -> View:
        """The view with its private_metadata sealed to `origin` (the view is changed)."""
        data = json.loads(view.private_metadata) if view.private_metadata else {}
        envelope = {
            "team": origin.team_id,
            "by": self._person(origin.user_id),
            "channel": origin.channel_id,
            "form": view.callback_id,
            "exp": int((now + self.lifetime).timestamp()),
        }
        envelope["sig"] = self._sign(envelope, data)
        view.private_metadata = json.dumps({**data, SEAL: envelope}, separators=(",", ":"))
        return view

    def unseal(self, submission: ViewSubmission, now: datetime) -> ViewSubmission:
        """The submission with plain metadata and `opened_in` (the channel the seal vouches
        for, for the person it was opened for only); raises ForgedForm otherwise."""
        data = submission.metadata()
        envelope = data.pop(SEAL, None)
        if not isinstance(envelope, dict):
            raise ForgedForm("private_metadata carries no seal")
        expected = self._sign({k: v for k, v in envelope.items() if k != "sig"}, data)
        if not hmac.compare_digest(str(envelope.get("sig", "")), expected):
            raise ForgedForm("private_metadata does not match its seal")
        if envelope.get("form") != submission.view.callback_id:
            raise ForgedForm("private_metadata was sealed for another form")
        if not submission.team_id or envelope.get("team") != submission.team_id:
            # the resolved workspace the listener acts for, as when the form was opened
            raise ForgedForm("private_metadata was sealed in another workspace")
        expires = envelope.get("exp")
        if not isinstance(expires, int) or expires < now.timestamp():
            raise ForgedForm("private_metadata's seal has expired")
        opened_in = envelope.get("channel")
        if envelope.get("by") != self._person(submission.user.id):
            # The seal vouches for a place only to the person it was opened for. A form that
            # names a place is refused; one that names an object is judged by the submitter's
            # own rights, as though they had opened it, vouching for no channel.
            if "channel" in data:
                raise ForgedForm("private_metadata was sealed for someone else")
            opened_in = None
        view = submission.view.model_copy(update={"private_metadata": json.dumps(data)})
        return submission.model_copy(update={"view": view, "opened_in": opened_in})

    def seal_value(self, data: dict[str, Any], origin: Origin, purpose: str, now: datetime) -> str:
        """A button value carrying `data`, good only for `purpose` (the button's action_id), and
        only when clicked by the same person, in the same workspace and channel, before it
        expires: a pending declaration held in an ephemeral message (app.listeners.similar)."""
        envelope = {
            "team": origin.team_id,
            "by": self._person(origin.user_id),
            "channel": origin.channel_id,
            "form": purpose,
            "exp": int((now + self.lifetime).timestamp()),
        }
        envelope["sig"] = self._sign(envelope, data)
        return json.dumps({**data, SEAL: envelope}, separators=(",", ":"), ensure_ascii=False)

    def unseal_value(
        self, value: str | None, click: BlockActions, purpose: str, now: datetime
    ) -> dict[str, Any]:
        """The data `seal_value` sealed, or ForgedForm when the click is not the one it was
        sealed for (another person, workspace, channel or button, altered, or expired)."""
        try:
            data = json.loads(value or "")
        except ValueError:
            raise ForgedForm("button value is not sealed data") from None
        if not isinstance(data, dict):
            raise ForgedForm("button value is not sealed data")
        envelope = data.pop(SEAL, None)
        if not isinstance(envelope, dict):
            raise ForgedForm("button value carries no seal")
        expected = self._sign({k: v for k, v in envelope.items() if k != "sig"}, data)
        if not hmac.compare_digest(str(envelope.get("sig", "")), expected):
            raise ForgedForm("button value does not match its seal")
        if envelope.get("form") != purpose:
            raise ForgedForm("button value was sealed for another button")
        if not click.team_id or envelope.get("team") != click.team_id:
            raise ForgedForm("button value was sealed in another workspace")
        if envelope.get("by") != self._person(click.user.id):
            raise ForgedForm("button value was sealed for someone else")
        if envelope.get("channel") != click.channel_id:
            raise ForgedForm("button value was sealed in another channel")
        expires = envelope.get("exp")
        if not isinstance(expires, int) or expires < now.timestamp():
            raise ForgedForm("button value's seal has expired")
        return data

    def _person(self, user_id: str) -> str:
        """Who opened the form, as only this key can tell: forms can be anonymous (reports,
        retro answers), and views and their metadata reach Slack's logs and ours."""
        return hmac.new(self.key, f"person:{user_id}".encode(), hashlib.sha256).hexdigest()[:24]

    def _sign(self, envelope: dict[str, Any], data: dict[str, Any]) -> str:
        sealed = {k: v for k, v in data.items() if k not in UNSEALED}
        text = json.dumps([envelope, sealed], sort_keys=True, separators=(",", ":"))
        return hmac.new(self.key, text.encode(), hashlib.sha256).hexdigest()
