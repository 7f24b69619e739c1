"""The stand-in's workspace state: directory, messages, views, triggers and response URLs.

Why a separate class: the HTTP plumbing (server.py) and the Web API semantics (api.py) both
need this data, and tests read it directly. Every access goes through one Condition so the
HTTP threads, the Socket Mode thread and the test thread never see half-written state, and
waiters wake up as soon as something is recorded (no sleeps).
"""

from __future__ import annotations

import copy
import secrets
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

TRIGGER_TTL = 3.0
RESPONSE_URL_TTL = 30 * 60.0
RESPONSE_URL_USES = 5
BOT_USER_ID = "UBOT"
BOT_ID = "B0001"
APP_ID = "A0001"

Json = dict[str, Any]


class StandInState:
    """In-memory workspace shared by all stand-in threads (guarded by ``self._cond``)."""

    def __init__(
        self,
        *,
        team_id: str = "T0001",
        team_domain: str = "acme",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.team_id = team_id
        self.team_domain = team_domain
        self.clock = clock
        self._cond = threading.Condition(threading.RLock())
        self._init_files()
        #: Channel ids the bot is not a member of (posting there -> ``not_in_channel``).
        self.not_in_channels: set[str] = set()
        #: Archived channel ids (posting there -> ``is_archived``).
        self.archived: set[str] = set()
        self._users: dict[str, dict[str, Any]] = {}
        self._channels: dict[str, dict[str, Any]] = {}
        self._last_ts_micros = 0
        self._seq = 0
        self._clear_records()
        self.add_user(BOT_USER_ID, "deference", real_name="Deference", is_bot=True)

    def _clear_records(self) -> None:
        self._messages: list[dict[str, Any]] = []
        self._ephemerals: list[dict[str, Any]] = []
        self._responses: list[dict[str, Any]] = []
        self._views: dict[str, dict[str, Any]] = {}
        self._view_meta: dict[str, dict[str, Any]] = {}
        self._homes: dict[str, dict[str, Any]] = {}
        self._triggers: dict[str, dict[str, Any]] = {}
        self._response_urls: dict[str, dict[str, Any]] = {}

    # -- directory -------------------------------------------------------------------------

    def add_user(
        self,
        id: str,
        name: str,
        real_name: str | None = None,
        tz: str = "Europe/Berlin",
        is_admin: bool = False,
        is_bot: bool = False,
        deleted: bool = False,
        *,
        is_owner: bool = False,
        display_name: str | None = None,
    ) -> None:
        """Register a user that ``users.info`` will know about."""
        with self._cond:
            self._users[id] = {
                "id": id,
                "name": name,
                "real_name": real_name or name,
                "display_name": display_name if display_name is not None else name,
                "tz": tz,
                "is_admin": is_admin,
                "is_owner": is_owner,
                "is_bot": is_bot,
                "deleted": deleted,
            }

    def add_channel(
        self, id: str, name: str, is_member: bool = True, is_archived: bool = False
    ) -> None:
        """Register a channel; the flags feed ``not_in_channels`` and ``archived``."""
        with self._cond:
            self._channels[id] = {"id": id, "name": name}
            (self.not_in_channels.discard if is_member else self.not_in_channels.add)(id)
            (self.archived.add if is_archived else self.archived.discard)(id)

    def user_object(self, user_id: str) -> dict[str, Any] | None:
        """The user as ``users.info`` returns it, with tz_offset for the stand-in's "now"."""
        with self._cond:
            entry = self._users.get(user_id)
            if entry is None:
                return None
            now = datetime.fromtimestamp(self.clock(), tz=ZoneInfo(entry["tz"]))
            offset = now.utcoffset()
            return {
                "id": entry["id"],
                "team_id": self.team_id,
                "name": entry["name"],
                "deleted": entry["deleted"],
                "real_name": entry["real_name"],
                "tz": entry["tz"],
                "tz_label": now.tzname() or entry["tz"],
                "tz_offset": int(offset.total_seconds()) if offset else 0,
                "is_admin": entry["is_admin"],
                "is_owner": entry["is_owner"],
                "is_primary_owner": False,
                "is_restricted": False,
                "is_ultra_restricted": False,
                "is_bot": entry["is_bot"],
                "is_app_user": False,
                "updated": 1700000000,
                "profile": {
                    "real_name": entry["real_name"],
                    "real_name_normalized": entry["real_name"],
                    "display_name": entry["display_name"],
                    "display_name_normalized": entry["display_name"],
                    "team": self.team_id,
                },
            }

    def channel_object(self, channel_id: str) -> dict[str, Any] | None:
        """The channel as ``conversations.info`` returns it (None when unknown)."""
        with self._cond:
            if channel_id[:1] == "D":
                return {"id": channel_id, "is_im": True, "is_channel": False, "is_member": True}
            entry = self._channels.get(channel_id)
            if entry is None:
                return None
            return {
                "id": channel_id,
                "name": entry["name"],
                "name_normalized": entry["name"],
                "is_channel": True,
                "is_group": False,
                "is_im": False,
                "is_private": False,
                "is_general": False,
                "is_archived": channel_id in self.archived,
                "is_member": channel_id not in self.not_in_channels,
                "created": 1700000000,
                "creator": BOT_USER_ID,
                "topic": {"value": "", "creator": "", "last_set": 0},
                "purpose": {"value": "", "creator": "", "last_set": 0},
            }

    # -- ids -------------------------------------------------------------------------------

    def _next_ts(self) -> str:
        """A unique, increasing Slack-style ts derived from the stand-in clock."""
        micros = max(int(self.clock() * 1_000_000), self._last_ts_micros + 100)
        self._last_ts_micros = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _next_id(self, prefix: str) -> str:
        self._seq += 1
        return f"{prefix}{self._seq:08d}"

    def new_trigger_id(self, user: str) -> str:
        """Issue a trigger id for ``user``, good for one views.open/push within 3 s."""
        with self._cond:
            trigger_id = f"{self._seq + 1}.{secrets.token_hex(6)}"
            self._seq += 1
            self._triggers[trigger_id] = {"user": user, "at": self.clock(), "used": False}
            return trigger_id

    def new_response_url(self, channel: str, user: str, message_ts: str | None = None) -> str:
        """Issue a response_url; with ``message_ts`` replace_original edits that message."""
        url_id = secrets.token_urlsafe(12)
        with self._cond:
            self._response_urls[url_id] = {
                "channel": channel,
                "user": user,
                "message_ts": message_ts,
                "at": self.clock(),
                "uses": 0,
            }
        return f"{self._base_url()}response/{url_id}"

    def _base_url(self) -> str:
        raise NotImplementedError

    # -- read access for tests (deep copies: callers may mutate freely) --------------------

    def messages(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Stored bot messages in post order, optionally for one channel."""
        with self._cond:
            found = [m for m in self._messages if channel is None or m["channel"] == channel]
            return copy.deepcopy(found)

    def ephemerals(self, user: str | None = None) -> list[dict[str, Any]]:
        """Ephemeral messages posted with chat.postEphemeral, optionally for one user."""
        with self._cond:
            return copy.deepcopy([e for e in self._ephemerals if user in (None, e["user"])])

    def responses(self, user: str | None = None) -> list[dict[str, Any]]:
        """Accepted response_url posts: url_id, channel, user, payload, at."""
        with self._cond:
            return copy.deepcopy([r for r in self._responses if user in (None, r["user"])])

    @property
    def views(self) -> dict[str, dict[str, Any]]:
        """Snapshot of every modal view by id."""
        with self._cond:
            return copy.deepcopy(self._views)

    def open_views(self, user: str | None = None) -> list[dict[str, Any]]:
        """Modal views in the order they were opened, optionally for one user."""
        with self._cond:
            ids = [v for v, meta in self._view_meta.items() if user in (None, meta["user"])]
            return copy.deepcopy([self._views[v] for v in ids])

    def latest_view(self, user: str) -> dict[str, Any] | None:
        """The view most recently opened, pushed or updated for ``user``."""
        with self._cond:
            mine = [(m["touched"], v) for v, m in self._view_meta.items() if m["user"] == user]
            return copy.deepcopy(self._views[max(mine)[1]]) if mine else None

    def view_user(self, view_id: str) -> str | None:
        """The user a view was opened for (the user its trigger was issued to)."""
        with self._cond:
            meta = self._view_meta.get(view_id)
            return meta["user"] if meta else None

    def home(self, user: str) -> dict[str, Any] | None:
        """The Home tab last published for ``user``."""
        with self._cond:
            return copy.deepcopy(self._homes.get(user))

    # -- message mutation (callers hold the lock) --------------------------------------------

    def _new_message(self, channel: str, p: Json) -> Json:
        message = {
            "type": "message",
            "channel": channel,
            "ts": self._next_ts(),
            "thread_ts": p.get("thread_ts"),
            "text": p.get("text") or "",
            "blocks": p.get("blocks") or [],
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "team": self.team_id,
            "metadata": p.get("metadata"),
            "edited": None,
            "history": [],
            "deleted": False,
        }
        self._messages.append(message)
        return message

    def _replace(self, message: Json, text: Any, blocks: Any) -> None:
        message["history"].append(
            {"text": message["text"], "blocks": message["blocks"], "at": self.clock()}
        )
        if text is not None:
            message["text"] = text
        if blocks is not None:
            message["blocks"] = blocks
        message["edited"] = {"user": BOT_USER_ID, "ts": self._next_ts()}

    def _find_message(self, channel: str, ts: str) -> dict[str, Any] | None:
        for message in self._messages:
            if message["channel"] == channel and message["ts"] == ts:
                return message
        return None
