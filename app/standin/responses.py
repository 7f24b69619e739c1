"""response_url handling: what Slack does with a POST to a command's or click's URL.

Why: bots answer slash commands and clicks through response_url (bolt's ``respond``);
Slack limits each URL to 5 uses in 30 minutes and applies ``replace_original`` /
``delete_original`` / ``in_channel`` to the conversation. Tests see all of that here.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from app.standin.blockkit import message_block_errors
from app.standin.state import RESPONSE_URL_TTL, RESPONSE_URL_USES, StandInState

Json = dict[str, Any]


class ResponseUrls(StandInState):
    """Serves POSTs to ``/response/<id>`` issued by ``new_response_url``."""

    def _respond(self, url_id: str, body: bytes) -> tuple[int, str]:
        """Handle a POST to a response_url; returns (HTTP status, body) like Slack."""
        with self._cond:
            entry = self._response_urls.get(url_id)
            refusal = _url_refusal(entry, self.clock()) or _payload_refusal(body)
            if refusal is not None or entry is None:
                return refusal or (404, "no_url")
            payload = json.loads(body.decode("utf-8"))
            entry["uses"] += 1
            shown_ts = self._apply(entry, payload)
            self._responses.append(
                {
                    "url_id": url_id,
                    "channel": entry["channel"],
                    "user": entry["user"],
                    "message_ts": entry["message_ts"],
                    "payload": payload,
                    "at": self.clock(),
                    # The ts of the ephemeral message it showed (None: it changed another
                    # message or posted in the channel): what a click on it refers to.
                    "ephemeral_ts": shown_ts,
                }
            )
            self._cond.notify_all()
            return 200, '{"ok": true}'

    def show_acknowledgement(self, channel: str, user: str, body: dict[str, Any]) -> str:
        """A command's acknowledgement body as the ephemeral message Slack shows for it;
        returns its ts (what a click on it refers to)."""
        with self._cond:
            return self._remember_ephemeral(channel, user, body)

    def ephemeral(self, channel: str, ts: str) -> dict[str, Any] | None:
        """The ephemeral message ``ts`` in ``channel`` as it is now, however it was shown
        (chat.postEphemeral, a response_url, a command's acknowledgement)."""
        with self._cond:
            found = self._find_ephemeral(channel, ts)
            return copy.deepcopy(found) if found and not found.get("deleted") else None

    def _remember_ephemeral(self, channel: str, user: str, p: Json) -> str:
        ts = self._next_ts()
        self._shown_privately.append(
            {
                "channel": channel,
                "user": user,
                "text": p.get("text") or "",
                "blocks": p.get("blocks") or [],
                "message_ts": ts,
                "deleted": False,
            }
        )
        return ts

    def _find_ephemeral(self, channel: str, ts: str) -> dict[str, Any] | None:
        for message in (*self._ephemerals, *self._shown_privately):
            if message["channel"] == channel and message["message_ts"] == ts:
                return message
        return None

    def _apply(self, entry: Json, payload: Json) -> str | None:
        """What the response does to the conversation (callers hold the lock); returns the
        ts of the ephemeral message it shows, if it shows one."""
        ts = entry["message_ts"]
        original = ts and self._find_message(entry["channel"], ts)
        private = ts and not original and self._find_ephemeral(entry["channel"], ts)
        if original and payload.get("delete_original"):
            original["deleted"] = True
        elif original and payload.get("replace_original"):
            self._replace(original, payload.get("text"), payload.get("blocks"))
        elif private and (payload.get("delete_original") or payload.get("replace_original")):
            # A click in an ephemeral message may replace or delete it, as Slack allows.
            private["deleted"] = bool(payload.get("delete_original"))
            private["text"] = payload.get("text") or private["text"]
            private["blocks"] = payload.get("blocks") or private["blocks"]
            return None if private["deleted"] else private["message_ts"]
        elif payload.get("response_type") == "in_channel":
            self._new_message(entry["channel"], payload)
        elif not payload.get("delete_original"):
            return self._remember_ephemeral(entry["channel"], entry["user"], payload)
        return None


def _url_refusal(entry: Json | None, now: float) -> tuple[int, str] | None:
    """Slack's answer to an unknown, expired or used-up response_url."""
    if entry is None:
        return 404, "no_url"
    if now - entry["at"] > RESPONSE_URL_TTL:
        return 404, "expired_url"
    if entry["uses"] >= RESPONSE_URL_USES:
        return 404, "used_url"
    return None


def _payload_refusal(body: bytes) -> tuple[int, str] | None:
    """Slack's answer to a body that is not a message it can show."""
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return 400, "invalid_payload"
    if not isinstance(payload, dict):
        return 400, "invalid_payload"
    if message_block_errors(payload.get("blocks")):
        return 400, "invalid_blocks"
    if not payload.get("delete_original") and not (payload.get("text") or payload.get("blocks")):
        return 400, "no_text"
    return None
