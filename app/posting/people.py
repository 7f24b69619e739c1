"""Who a Slack user id is, asked of users.info at most once per person, team and few minutes.

Why: vetting a decider, reading an opener's time zone and naming a poll's winner each asked
Slack again, so a `/decide Title @x` spent a Web API round trip on a person the bot had seen
seconds before. `People` keeps what those surfaces show or judge (display name, time zone,
deleted and bot flags) per workspace for a short TTL, and `user_change` events (manifest.yml)
replace an entry as soon as Slack says the person changed: deactivated, renamed, moved zone.

What it does not keep: admin and owner flags. They grant permissions (app.listeners.people
.is_admin asks Slack every time), and a revoked admin must not keep editing for minutes.
A lookup that Slack answers `user_not_found` is not cached either: someone who joins a minute
later is found at once.

Per team: an entry is keyed by (team, user); a user id looked up for team A never answers for
team B, even when both are one organisation's workspaces.

`on_seen` is the seam for keeping names the bot has looked up: wiring hands it the names store
(app.domain.names.NameMemo.saw_profile), called with (team, user id, the users.info `user`) for
each person fetched from Slack or pushed by `user_change`, outside the cache's lock; a cache hit
is not reported again (it was when fetched).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from app.domain.clock import Clock, SystemClock

TTL = timedelta(minutes=5)
PER_TEAM = 5000  # entries kept per workspace, least recently used dropped first
NOT_FOUND = frozenset({"user_not_found", "users_not_found"})


@dataclass(frozen=True)
class Person:
    """The parts of a users.info answer the bot shows or judges (no permissions)."""

    user_id: str
    name: str | None  # display name, else real name, else the handle
    tz: str | None
    deleted: bool
    is_bot: bool

    @classmethod
    def from_slack(cls, user: Mapping[str, Any]) -> Person:
        profile = user.get("profile") if isinstance(user.get("profile"), Mapping) else {}
        name = (
            profile.get("display_name")
            or user.get("display_name")
            or user.get("real_name")
            or profile.get("real_name")
            or user.get("name")
        )
        return cls(
            user_id=str(user.get("id") or ""),
            name=str(name) if name else None,
            tz=user.get("tz") if isinstance(user.get("tz"), str) else None,
            deleted=bool(user.get("deleted")),
            is_bot=bool(user.get("is_bot")),
        )

    def as_profile(self) -> dict[str, Any]:
        """The shape app.domain.people judges (a users.info `user`)."""
        return {"id": self.user_id, "deleted": self.deleted, "is_bot": self.is_bot, "tz": self.tz}


class People:
    """A per-process, per-team cache of people in front of users.info (thread-safe)."""

    def __init__(
        self,
        clock: Clock | None = None,
        ttl: timedelta = TTL,
        per_team: int = PER_TEAM,
        on_seen: Callable[[str, str, Mapping[str, Any]], None] | None = None,
    ) -> None:
        self._clock = clock or SystemClock()
        self._ttl = ttl
        self._per_team = per_team
        self._on_seen = on_seen
        self._teams: dict[str, OrderedDict[str, tuple[Any, Person]]] = {}
        self._lock = threading.Lock()

    def lookup(
        self,
        client: WebClient,
        team_id: str,
        user_id: str,
        seen: Callable[[str, Mapping[str, Any] | None], None] | None = None,
    ) -> Person | None:
        """The person, from the cache while fresh, else from users.info; None when Slack does
        not know them. Other Slack errors propagate (the caller's error handling decides).
        `seen`, when Slack was asked, is handed (user id, its answer or None)."""
        now = self._clock.now()
        with self._lock:
            entries = self._teams.get(team_id)
            found = entries.get(user_id) if entries is not None else None
            if found is not None and found[0] > now:
                entries.move_to_end(user_id)
                return found[1]
        try:
            user = client.users_info(user=user_id)["user"]
        except SlackApiError as exc:
            if exc.response.get("error") in NOT_FOUND:
                self.forget(team_id, user_id)
                if seen is not None:
                    seen(user_id, None)
                return None
            raise
        if seen is not None:
            seen(user_id, user)
        return self._keep(team_id, user)

    def name(self, client: WebClient, team_id: str, user_id: str) -> str | None:
        """The display name, or None when Slack cannot say."""
        try:
            person = self.lookup(client, team_id, user_id)
        except SlackApiError:
            return None
        return person.name if person is not None else None

    def changed(self, team_id: str, user: Mapping[str, Any]) -> Person | None:
        """A `user_change` event: Slack pushed the person's new state; keep it at once."""
        if not isinstance(user.get("id"), str) or not user["id"]:
            return None
        return self._keep(team_id, user)

    def forget(self, team_id: str, user_id: str | None = None) -> None:
        """Drop one person, or the whole team (uninstalled)."""
        with self._lock:
            if user_id is None:
                self._teams.pop(team_id, None)
            elif (entries := self._teams.get(team_id)) is not None:
                entries.pop(user_id, None)

    def _keep(self, team_id: str, user: Mapping[str, Any]) -> Person:
        person = Person.from_slack(user)
        expires = self._clock.now() + self._ttl
        with self._lock:
            entries = self._teams.setdefault(team_id, OrderedDict())
            entries[person.user_id] = (expires, person)
            entries.move_to_end(person.user_id)
            while len(entries) > self._per_team:
                entries.popitem(last=False)
        if self._on_seen is not None:
            self._on_seen(team_id, person.user_id, user)
        return person
