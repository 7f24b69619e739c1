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
from collections.abc import Callable, Iterable
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
        strict_membership: bool = True,
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
        #: As Slack: the bot posts only in conversations it is a member of, and only in
        #: conversations that exist. False (an explicit opt-in for a test) also accepts
        #: channel ids nobody registered, as if the bot were in them.
        self.strict_membership = strict_membership
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
        # Ephemeral messages shown by a response_url or a command's acknowledgement: Slack
        # gives them a ts, and a click on one refers to it.
        self._shown_privately: list[dict[str, Any]] = []
        self._views: dict[str, dict[str, Any]] = {}
        self._view_meta: dict[str, dict[str, Any]] = {}
        # Each person's open modal: its view ids, the root first, the one they see last.
        self._stacks: dict[str, list[str]] = {}
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
        team_id: str | None = None,
    ) -> None:
        """Register a user that ``users.info`` will know about; ``team_id``: their own
        workspace when it is not the stand-in's (a Slack Connect member, a Grid workspace)."""
        with self._cond:
            self._users[id] = {
                "id": id,
                "team_id": team_id,
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
        self,
        id: str,
        name: str,
        is_member: bool = True,
        is_archived: bool = False,
        *,
        private: bool = False,
        members: Iterable[str] | None = None,
    ) -> None:
        """Register a channel; ``is_member``: the bot has joined (``/invite``d) it.

        ``members`` are the people in it; None means everyone (like #general), so any user
        may get an ephemeral message there.
        """
        kind = "private" if private else "public"
        self._add_conversation(id, kind, name, is_member, is_archived, members)

    def add_conversation(self, id: str, kind: str, members: Iterable[str]) -> None:
        """A DM (``im``) or group DM (``mpim``) between people, without the bot."""
        if kind not in ("im", "mpim"):
            raise ValueError(f"kind must be 'im' or 'mpim', not {kind!r}")
        self._add_conversation(id, kind, "", False, False, members)

    def _add_conversation(
        self,
        id: str,
        kind: str,
        name: str,
        is_member: bool,
        is_archived: bool,
        members: Iterable[str] | None,
    ) -> None:
        with self._cond:
            people = set(members) if members is not None else None
            self._channels[id] = {"id": id, "name": name, "kind": kind, "members": people}
            (self.not_in_channels.discard if is_member else self.not_in_channels.add)(id)
            (self.archived.add if is_archived else self.archived.discard)(id)

    def join(self, channel: str, user: str | None = None) -> None:
        """``user`` (default: the bot, as ``/invite @Deference`` does) joins ``channel``."""
        with self._cond:
            if user is None:
                self.not_in_channels.discard(channel)
                return
            people = self._channels[channel]["members"]
            if people is not None:
                people.add(user)

    def saw_user_in(self, channel: str, user: str) -> None:
        """A user ran a command or shortcut in ``channel``: Slack shows them as a member."""
        with self._cond:
            entry = self._channels.get(channel)
            if entry is not None and entry["members"] is not None:
                entry["members"].add(user)

    def channel_name_in_payloads(self, channel: str) -> str:
        """``channel_name`` as Slack puts it in commands and shortcuts: ``directmessage`` for a DM,
        ``mpdm-alice--bob-1`` for a group DM, ``privategroup`` for a private channel."""
        with self._cond:
            kind = self.conversation_kind(channel)
            entry = self._channels.get(channel) or {}
            if kind == "im" or channel[:1] == "D":
                return "directmessage"
            if kind == "mpim":
                people = sorted(self._users.get(u, {"name": u})["name"] for u in entry["members"])
                return "mpdm-" + "--".join(people) + "-1"
            if kind == "private":
                return "privategroup"
            return str(entry.get("name") or channel.lower())

    def home_team_of(self, user: str) -> str | None:
        """The workspace ``user`` was registered in (None: whichever workspace they act from)."""
        with self._cond:
            entry = self._users.get(user)
            return str(entry["team_id"]) if entry and entry["team_id"] else None

    def dm_id(self, user: str) -> str:
        """The id of the bot's DM with ``user`` (what conversations.open answers)."""
        return "D" + user[1:]

    def conversation_kind(self, channel: str) -> str | None:
        """public, private, im or mpim; None for an id Slack would not know.

        A ``D`` id nobody registered is the bot's DM with the user it is named after.
        """
        with self._cond:
            entry = self._channels.get(channel)
            if entry is not None:
                return str(entry["kind"])
            if channel[:1] == "D" and self._dm_user(channel) is not None:
                return "im"
            if not self.strict_membership and channel[:1] in ("C", "G"):
                return "public"
            return None

    def _dm_user(self, channel: str) -> str | None:
        for prefix in ("U", "W"):
            if prefix + channel[1:] in self._users:
                return prefix + channel[1:]
        return None

    def bot_is_member(self, channel: str) -> bool:
        """Whether the bot may post in ``channel`` (its own DMs always; others once joined)."""
        with self._cond:
            entry = self._channels.get(channel)
            if entry is None:
                return self.conversation_kind(channel) is not None
            return entry["kind"] not in ("im", "mpim") and channel not in self.not_in_channels

    def user_is_member(self, channel: str, user: str) -> bool:
        with self._cond:
            entry = self._channels.get(channel)
            if entry is None:
                return channel[:1] != "D" or self._dm_user(channel) == user
            return entry["members"] is None or user in entry["members"]

    def members_of(self, channel: str) -> set[str]:
        """Who is in ``channel``: its members, or (members None, like #general) every person
        not deactivated; and the bot once it has joined."""
        with self._cond:
            entry = self._channels.get(channel)
            if entry is not None and entry["members"] is not None:
                people = set(entry["members"])
            else:
                people = {u for u, e in self._users.items() if not e["deleted"] and not e["is_bot"]}
            if self.bot_is_member(channel):
                people.add(BOT_USER_ID)
            return people

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
                "team_id": entry["team_id"] or self.team_id,
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
                    "team": entry["team_id"] or self.team_id,
                },
            }

    def channel_object(self, channel_id: str) -> dict[str, Any] | None:
        """The channel as ``conversations.info`` shows it to the bot (None: not visible)."""
        with self._cond:
            kind = self.conversation_kind(channel_id)
            if kind is None or (kind != "public" and not self.bot_is_member(channel_id)):
                return None
            if kind == "im":
                return {"id": channel_id, "is_im": True, "is_channel": False, "is_member": True}
            entry = self._channels.get(channel_id) or {"name": channel_id.lower()}
            return {
                "id": channel_id,
                "name": entry["name"],
                "name_normalized": entry["name"],
                "is_channel": kind == "public",
                "is_group": kind == "private",
                "is_im": False,
                "is_private": kind == "private",
                "is_general": False,
                "is_archived": channel_id in self.archived,
                "is_member": self.bot_is_member(channel_id),
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
        if channel is not None and channel[:1] in ("U", "W"):
            channel = self.dm_id(channel)  # a user's messages: the bot's DM with them
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
        """Every modal view ever opened or pushed, in that order, optionally for one user,
        closed ones too (``view_stack`` has the ones still open)."""
        with self._cond:
            ids = [v for v, meta in self._view_meta.items() if user in (None, meta["user"])]
            return copy.deepcopy([self._views[v] for v in ids])

    def latest_view(self, user: str) -> dict[str, Any] | None:
        """The view most recently opened, pushed or updated for ``user``, even if it has been
        closed since (``current_view`` is the one they see)."""
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

    def _replace(self, message: Json, text: Any, blocks: Any, metadata: Any = None) -> None:
        message["history"].append(
            {
                "text": message["text"],
                "blocks": message["blocks"],
                "metadata": message["metadata"],
                "at": self.clock(),
            }
        )
        if text is not None:
            message["text"] = text
        if blocks is not None:
            message["blocks"] = blocks
        if metadata is not None:  # chat.update without metadata leaves the message's own
            message["metadata"] = metadata
        message["edited"] = {"user": BOT_USER_ID, "ts": self._next_ts()}

    def _find_message(self, channel: str, ts: str) -> dict[str, Any] | None:
        for message in self._messages:
            if message["channel"] == channel and message["ts"] == ts:
                return message
        return None
