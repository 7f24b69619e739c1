"""Web API method semantics: the answers Slack gives, including its error codes.

Why: the bot must meet the same refusals it meets in production (invalid blocks, expired
triggers, archived channels) without a network. Each handler takes decoded params and
returns the JSON body Slack would send; HTTP concerns live in server.py.
"""

from __future__ import annotations

import copy
import re
import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

from app.standin.blockkit import message_block_errors, view_errors
from app.standin.canvases import Canvases
from app.standin.files import FileUploads
from app.standin.functions import Functions
from app.standin.installs import Installs
from app.standin.metadata import metadata_error
from app.standin.modals import MAX_VIEWS, ViewStacks
from app.standin.responses import ResponseUrls
from app.standin.state import APP_ID, BOT_USER_ID, TRIGGER_TTL

Json = dict[str, Any]
MAX_TEXT = 40_000


def _fail(error: str, **extra: Any) -> Json:
    return {"ok": False, "error": error, **extra}


class WebApi(Installs, ResponseUrls, FileUploads, Functions, Canvases, ViewStacks):
    """Implements the Web API methods the bot uses, on top of the shared state."""

    def _dispatch(self, method: str, params: Json, team_id: str | None = None) -> Json:
        """Answer as the team whose token made the call (the default team without one)."""
        handler: Callable[[Json], Json] | None = getattr(
            self, "_m_" + method.replace(".", "_"), None
        )
        if handler is None:
            return _fail("unknown_method")
        with self._cond:
            self._current = self._as_team(team_id)
            try:
                return handler(params)
            finally:
                self._current = None

    def _socket_url(self) -> str | None:
        return None

    # -- auth / apps -----------------------------------------------------------------------

    def _m_auth_test(self, p: Json) -> Json:
        team = self._caller()
        return {
            "ok": True,
            "url": team.url,
            "team": team.name,
            "user": "deference",
            "team_id": team.id,
            "user_id": team.bot_user_id,
            "bot_id": team.bot_id,
            "is_enterprise_install": team.is_enterprise,
            **({"enterprise_id": team.id} if team.is_enterprise else {}),
        }

    def _m_apps_connections_open(self, p: Json) -> Json:
        url = self._socket_url()
        if url is None:
            return _fail("not_allowed_token_type", detail="socket mode is not started")
        return {"ok": True, "url": f"{url}?ticket={secrets.token_hex(8)}"}

    # -- chat ------------------------------------------------------------------------------

    def _content_error(self, p: Json) -> Json | None:
        text, blocks = p.get("text"), p.get("blocks")
        if not text and not blocks and not p.get("attachments"):
            return _fail("no_text")
        if isinstance(text, str) and len(text) > MAX_TEXT:
            return _fail("msg_too_long")
        errors = message_block_errors(blocks)
        if errors:
            return _fail("invalid_blocks", errors=errors)
        return metadata_error(p.get("metadata"))

    def _post_target(self, channel: Any) -> tuple[str, Json | None]:
        """Where a post lands (a user id becomes the bot's DM with them), or Slack's refusal."""
        if not channel or not isinstance(channel, str):
            return "", _fail("channel_not_found")
        if channel[:1] in ("U", "W"):
            if self.user_object(channel) is None:
                return channel, _fail("channel_not_found")
            channel = self.dm_id(channel)
        kind = self.conversation_kind(channel)
        if kind is None:
            return channel, _fail("channel_not_found")
        if channel in self.archived:
            return channel, _fail("is_archived")
        if not self.bot_is_member(channel):
            # A public channel says so; anything private is invisible to a non-member.
            return channel, _fail("not_in_channel" if kind == "public" else "channel_not_found")
        return channel, None

    def _m_chat_postMessage(self, p: Json) -> Json:
        channel, error = self._post_target(p.get("channel"))
        error = error or self._content_error(p)
        if error:
            return error
        message = self._new_message(channel, p)
        team = self._caller()
        message.update(team=team.id, user=team.bot_user_id, bot_id=team.bot_id)
        ts = message["ts"]
        return {"ok": True, "channel": channel, "ts": ts, "message": _public(message)}

    def _m_chat_update(self, p: Json) -> Json:
        message = self._find_message(p.get("channel") or "", p.get("ts") or "")
        if message is None or message["deleted"]:
            return _fail("message_not_found")
        error = self._content_error(p)
        if error:
            return error
        self._replace(message, p.get("text"), p.get("blocks"), p.get("metadata"))
        return {
            "ok": True,
            "channel": message["channel"],
            "ts": message["ts"],
            "text": message["text"],
            "message": _public(message),
        }

    def _m_chat_delete(self, p: Json) -> Json:
        message = self._find_message(p.get("channel") or "", p.get("ts") or "")
        if message is None or message["deleted"]:
            return _fail("message_not_found")
        message["deleted"] = True
        return {"ok": True, "channel": message["channel"], "ts": message["ts"]}

    def _m_chat_postEphemeral(self, p: Json) -> Json:
        channel, error = self._post_target(p.get("channel"))
        error = error or self._content_error(p)
        if error:
            return error
        if not p.get("user") or not self.user_is_member(channel, str(p["user"])):
            return _fail("user_not_in_channel")
        ts = self._next_ts()
        self._ephemerals.append(
            {
                "channel": channel,
                "user": p["user"],
                "text": p.get("text") or "",
                "blocks": p.get("blocks") or [],
                "thread_ts": p.get("thread_ts"),
                "message_ts": ts,
            }
        )
        return {"ok": True, "message_ts": ts}

    def _m_chat_getPermalink(self, p: Json) -> Json:
        """Slack's format: the caller's workspace URL, archives/<channel>/p<ts without its dot>,
        and for a reply in a thread ?thread_ts=<parent>&cid=<channel>."""
        channel, ts = p.get("channel") or "", p.get("message_ts") or ""
        message = self._find_message(channel, ts)
        if message is None:
            return _fail("message_not_found")
        link = f"{self._caller().url}archives/{channel}/p{ts.replace('.', '')}"
        parent = message.get("thread_ts")
        if parent and parent != ts:
            link += f"?thread_ts={parent}&cid={channel}"
        return {"ok": True, "channel": channel, "permalink": link}

    def resolve_permalink(self, link: str) -> Json | None:
        """The message a permalink opens, as Slack's client would find it; None when it opens
        nothing: an unknown host, a channel or ts with no message, a reply linked without its
        thread, or thread parameters that do not match the message."""
        parts = urlsplit(link)
        found = re.fullmatch(r"/archives/([A-Z0-9]+)/p(\d{10})(\d{6})", parts.path)
        with self._cond:
            hosts = {urlsplit(team.url).hostname for team in self._teams.values()}
            if parts.scheme != "https" or parts.hostname not in hosts or found is None:
                return None
            channel, ts = found.group(1), f"{found.group(2)}.{found.group(3)}"
            message = self._find_message(channel, ts)
            if message is None or message["deleted"]:
                return None
            query = parse_qs(parts.query)
            parent = message.get("thread_ts")
            expected = {"thread_ts": [parent], "cid": [channel]} if parent and parent != ts else {}
            return copy.deepcopy(message) if query == expected else None

    # -- reading messages back (channels:history / groups:history) ---------------------------

    def _m_conversations_history(self, p: Json) -> Json:
        """Top-level messages of a channel, newest first, between `oldest` and `latest`."""
        error = self._history_error(p.get("channel"))
        if error:
            return error
        found = [
            m
            for m in self._messages
            if m["channel"] == p["channel"]
            and not m["deleted"]
            and m["thread_ts"] in (None, m["ts"])
            and _in_range(m["ts"], p)
        ]
        newest_first = sorted(found, key=lambda m: float(m["ts"]), reverse=True)
        return self._page(newest_first, p)

    def _m_conversations_replies(self, p: Json) -> Json:
        """A thread: its parent and replies, oldest first (the parent always comes first)."""
        error = self._history_error(p.get("channel"))
        if error:
            return error
        parent = self._find_message(p["channel"], str(p.get("ts") or ""))
        if parent is None:
            return _fail("thread_not_found")
        replies = [
            m
            for m in self._messages
            if m["channel"] == p["channel"]
            and not m["deleted"]
            and m["thread_ts"] == parent["ts"]
            and m is not parent
            and _in_range(m["ts"], p)
        ]
        return self._page([parent, *sorted(replies, key=lambda m: float(m["ts"]))], p)

    def _history_error(self, channel: Any) -> Json | None:
        """Beyond the history scopes (checked with every method's scope, app.standin.scopes)."""
        if not isinstance(channel, str) or self.channel_object(channel) is None:
            return _fail("channel_not_found")
        if channel in self.not_in_channels:
            return _fail("not_in_channel")
        return None

    @staticmethod
    def _page(messages: list[Json], p: Json) -> Json:
        """One page; message metadata only when asked for with `include_all_metadata`, as
        Slack does."""
        limit = int(p.get("limit") or 100)
        with_metadata = str(p.get("include_all_metadata")).lower() in ("1", "true")
        shown = [_public(m) for m in messages[:limit]]
        if not with_metadata:
            shown = [{k: v for k, v in m.items() if k != "metadata"} for m in shown]
        return {"ok": True, "messages": shown, "has_more": len(messages) > limit}

    # -- directory -------------------------------------------------------------------------

    def _m_users_info(self, p: Json) -> Json:
        user = self.user_object(p.get("user") or "")
        return {"ok": True, "user": user} if user else _fail("user_not_found")

    def _m_conversations_info(self, p: Json) -> Json:
        channel = self.channel_object(p.get("channel") or "")
        if channel is None:
            return _fail("channel_not_found")
        if str(p.get("include_num_members", "")).lower() in ("true", "1") and not channel["is_im"]:
            channel["num_members"] = self.member_count(channel["id"])  # only when asked, as Slack
        return {"ok": True, "channel": channel}

    def member_count(self, channel_id: str) -> int:
        """``num_members`` as Slack counts it: every member, the bot included when it has
        joined; a channel registered without a member list holds every active user."""
        with self._cond:
            entry = self._channels.get(channel_id) or {"members": None}
            people = entry["members"]
            if people is None:
                people = {u for u, e in self._users.items() if not e["deleted"]}
                people.discard(BOT_USER_ID)
            count = len({p for p in people if p != BOT_USER_ID})
            return count + (1 if self.bot_is_member(channel_id) else 0)

    def _m_conversations_members(self, p: Json) -> Json:
        """The people in a conversation the bot can see, a page at a time (`limit`, and a
        `cursor` that is an offset here, opaque to the caller as Slack's is)."""
        channel = p.get("channel") or ""
        if self.channel_object(channel) is None:
            return _fail("channel_not_found")
        people = sorted(self.members_of(channel))
        cursor = str(p.get("cursor") or "0")
        start = int(cursor) if cursor.isdigit() else 0
        limit = max(1, min(int(p.get("limit") or 100), 1000))
        more = start + limit < len(people)
        return {
            "ok": True,
            "members": people[start : start + limit],
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def _m_conversations_open(self, p: Json) -> Json:
        users = str(p.get("users") or "").split(",")
        if len(users) != 1 or not users[0]:
            return _fail("users_list_not_supplied" if not users[0] else "not_enough_users")
        if self.user_object(users[0]) is None:
            return _fail("user_not_found")
        return {"ok": True, "channel": {"id": self.dm_id(users[0])}}

    # -- views -----------------------------------------------------------------------------

    def _take_trigger(self, trigger_id: Any) -> tuple[str | None, Json | None]:
        trigger = self._triggers.get(trigger_id) if isinstance(trigger_id, str) else None
        if trigger is None:
            return None, _fail("invalid_trigger_id")
        if trigger["used"]:
            return None, _fail("exchanged_trigger_id")
        if self.clock() - trigger["at"] > TRIGGER_TTL:
            return None, _fail("expired_trigger_id")
        return trigger["user"], None

    @staticmethod
    def _view_invalid(view: Any, *, home: bool = False) -> Json | None:
        errors = view_errors(view, home=home)
        if not errors:
            return None
        return _fail("invalid_arguments", errors=errors, response_metadata={"messages": errors})

    def _build_view(self, view: Json, view_id: str, previous: str | None, root: str) -> Json:
        team = self._caller()
        full = {
            "id": view_id,
            "team_id": team.id,
            "type": view.get("type", "modal"),
            "blocks": view.get("blocks") or [],
            "private_metadata": view.get("private_metadata") or "",
            "callback_id": view.get("callback_id") or "",
            "state": {"values": {}},
            "hash": f"{int(self.clock())}.{secrets.token_hex(4)}",
            "title": view.get("title"),
            "close": view.get("close"),
            "submit": view.get("submit"),
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "external_id": view.get("external_id") or "",
            "previous_view_id": previous,
            "root_view_id": root,
            "app_id": APP_ID,
            "app_installed_team_id": team.id,
            "bot_id": team.bot_id,
        }
        return full

    def _store_view(self, full: Json, user: str) -> Json:
        self._seq += 1
        self._views[full["id"]] = full
        self._view_meta[full["id"]] = {"user": user, "touched": self._seq}
        return {"ok": True, "view": copy.deepcopy(full)}

    def _m_views_open(self, p: Json) -> Json:
        """A new modal: its root view is all the person's stack holds."""
        user, error = self._take_trigger(p.get("trigger_id"))
        error = error or self._view_invalid(p.get("view"))
        if error or user is None:
            return error or _fail("invalid_trigger_id")
        self._triggers[p["trigger_id"]]["used"] = True
        view_id = self._next_id("V")
        answer = self._store_view(self._build_view(p["view"], view_id, None, view_id), user)
        self._stacks[user] = [view_id]
        return answer

    def _m_views_push(self, p: Json) -> Json:
        """On top of the person's open modal: "Push a new view onto the existing view stack",
        at most 3 views ("push_limit_reached ... Currently the limit is 3"). Without a modal
        open there is no stack to push onto: ``not_found``, Slack's answer for a view it
        cannot find (docs.slack.dev/reference/methods/views.push)."""
        user, error = self._take_trigger(p.get("trigger_id"))
        error = error or self._view_invalid(p.get("view"))
        if error or user is None:
            return error or _fail("invalid_trigger_id")
        stack = self._stacks.get(user)
        if not stack:
            return _fail("not_found")
        if len(stack) >= MAX_VIEWS:
            return _fail("push_limit_reached")
        self._triggers[p["trigger_id"]]["used"] = True
        parent = self._views[stack[-1]]
        view_id = self._next_id("V")
        built = self._build_view(p["view"], view_id, parent["id"], parent["root_view_id"])
        answer = self._store_view(built, user)
        stack.append(view_id)
        return answer

    def _m_views_update(self, p: Json) -> Json:
        """A view of an open modal, where it is in the stack; a closed one is ``not_found``."""
        view_id = p.get("view_id")
        if not view_id and p.get("external_id"):
            matches = [v for v in self._views.values() if v["external_id"] == p["external_id"]]
            view_id = matches[-1]["id"] if matches else None
        current = self._views.get(view_id or "")
        if current is None or self._stack_of_view(current["id"]) is None:
            return _fail("not_found")
        if p.get("hash") and p["hash"] != current["hash"]:
            return _fail("hash_conflict")
        error = self._view_invalid(p.get("view"))
        if error:
            return error
        full = self._build_view(
            p["view"], current["id"], current["previous_view_id"], current["root_view_id"]
        )
        return self._store_view(full, self._view_meta[current["id"]]["user"])

    def _m_views_publish(self, p: Json) -> Json:
        user = p.get("user_id")
        if not isinstance(user, str) or user[:1] not in ("U", "W"):
            return _fail("invalid_arguments" if not user else "user_not_found")
        error = self._view_invalid(p.get("view"), home=True)
        if error:
            return error
        previous = self._homes.get(user)
        if previous and p.get("hash") and p["hash"] != previous["hash"]:
            return _fail("hash_conflict")
        view_id = previous["id"] if previous else self._next_id("V")
        full = self._build_view(p["view"], view_id, None, view_id)
        self._homes[user] = full
        return {"ok": True, "view": copy.deepcopy(full)}


def _in_range(ts: str, p: Json) -> bool:
    """Whether a message ts lies between the call's `oldest` and `latest` (`inclusive` ends)."""
    value = float(ts)
    oldest, latest = float(p.get("oldest") or 0), float(p.get("latest") or "inf")
    if str(p.get("inclusive")).lower() in ("1", "true"):
        return oldest <= value <= latest
    return oldest < value < latest


def _public(message: Json) -> Json:
    """The message as Slack echoes it back (no stand-in bookkeeping fields)."""
    hidden = {"history", "deleted", "channel"}
    return copy.deepcopy({k: v for k, v in message.items() if k not in hidden and v is not None})
