"""The names people and channels go by, as the bot has seen them, per team.

Human-facing exports (Markdown, the HTML decision log, chart labels) say "Carol" and
"#platform"; CSV and JSON keep Slack ids (the contract in PRODUCT.md). Names come from two
sources: what Slack's payloads carry (a command's `user_name` and `channel_name`, an escaped
mention's label) and the directory (users.info, conversations.info), which outranks them.

Writers: the request middleware (every slash command but `feedback`) and the places that already
ask Slack's directory (vetting a decider, labelling charts, checking a schedule's channel),
through `NameMemo.saw*`, which writes only what changed since this process last saw it. The seam
for any other look-up (a cache of users.info answers, say): hand each profile fetched from Slack
to `deps.note_profile(team_id)(user_id, profile)`; a cache hit need not, it was noted when fetched.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.db.dialect import upsert
from app.db.models import KnownName
from app.domain.clock import Clock
from app.domain.storage import Sessions
from app.domain.teams import get_or_create_team

log = logging.getLogger(__name__)

PERSON, CHANNEL = "person", "channel"
SEEN, DIRECTORY = "seen", "directory"
RANK = {SEEN: 0, DIRECTORY: 1}
NAME_MAX = 120
# Slack's channel_name for conversations that have no name of their own.
UNNAMED_CHANNELS = {"directmessage", "privategroup", "mpdm"}
ESCAPED_MENTION = re.compile(r"<([@#])([UWCG][A-Z0-9]{1,31})\|([^<>|]{1,120})>")


@dataclass(frozen=True)
class NameBook:
    """Names by Slack id, with the id itself as the last resort."""

    people: Mapping[str, str] = field(default_factory=dict)
    channels: Mapping[str, str] = field(default_factory=dict)

    def person(self, user_id: str | None) -> str | None:
        if not user_id:
            return None
        return self.people.get(user_id) or user_id

    def channel(self, channel_id: str | None) -> str | None:
        if not channel_id:
            return None
        return "#" + (self.channels.get(channel_id) or channel_id)


def clean(name: object) -> str | None:
    """A name fit to store: one line, trimmed, not empty."""
    if not isinstance(name, str):
        return None
    text = " ".join(name.split())[:NAME_MAX]
    return text or None


def person_name(profile: Mapping[str, Any] | None) -> str | None:
    """What Slack shows for a person (users.info `user`): display name, then real name."""
    if not profile:
        return None
    details = profile.get("profile") or {}
    for candidate in (
        details.get("display_name"),
        details.get("real_name"),
        profile.get("real_name"),
        profile.get("name"),
    ):
        if name := clean(candidate):
            return name
    return None


def channel_name(info: Mapping[str, Any] | None) -> str | None:
    """A channel's name from conversations.info; None for DMs and group DMs."""
    if not info or info.get("is_im") or info.get("is_mpim"):
        return None
    return clean(info.get("name"))


def seen_in_command(
    user_id: str, user_name: str | None, channel_id: str, channel_label: str | None, text: str
) -> tuple[dict[str, str], dict[str, str]]:
    """(people, channels) named by a slash command: its sender, its channel, and each
    escaped mention in its text (`<@U123|carol>`, `<#C123|platform>`)."""
    people: dict[str, str] = {}
    channels: dict[str, str] = {}
    if name := clean(user_name):
        people[user_id] = name
    name = clean(channel_label)
    if name and name not in UNNAMED_CHANNELS and not name.startswith("mpdm-"):
        channels[channel_id] = name
    for sigil, slack_id, label in ESCAPED_MENTION.findall(text or ""):
        if name := clean(label):
            (people if sigil == "@" else channels)[slack_id] = name
    return people, channels


def remember(
    session: Session,
    team_id: str,
    now: datetime,
    *,
    people: Mapping[str, str] | None = None,
    channels: Mapping[str, str] | None = None,
    source: str = SEEN,
) -> int:
    """Store these names; a seen name never replaces one from the directory. Returns how
    many rows changed."""
    wanted = {(PERSON, k): v for k, v in (people or {}).items()} | {
        (CHANNEL, k): v for k, v in (channels or {}).items()
    }
    wanted = {key: name for key, value in wanted.items() if (name := clean(value))}
    if not wanted:
        return 0
    known = {
        (row.kind, row.slack_id): row
        for row in session.scalars(
            select(KnownName).where(
                KnownName.team_id == team_id,
                KnownName.slack_id.in_({slack_id for _, slack_id in wanted}),
            )
        )
    }
    changed = 0
    for (kind, slack_id), name in sorted(wanted.items()):
        row = known.get((kind, slack_id))
        if row is not None and (
            RANK[row.source] > RANK[source] or (row.name, row.source) == (name, source)
        ):
            continue
        if not changed:
            get_or_create_team(session, team_id, now)
        upsert(
            session,
            KnownName.__table__,
            {"team_id": team_id, "kind": kind, "slack_id": slack_id},
            {"name": name, "source": source},
        )
        changed += 1
    return changed


def name_book(session: Session, team_id: str) -> NameBook:
    people: dict[str, str] = {}
    channels: dict[str, str] = {}
    rows = session.execute(
        select(KnownName.kind, KnownName.slack_id, KnownName.name).where(
            KnownName.team_id == team_id
        )
    )
    for kind, slack_id, name in rows:
        (people if kind == PERSON else channels)[slack_id] = name
    return NameBook(people, channels)


class NameMemo:
    """Writes names as they are seen, once per process per change: a name already written is
    remembered here, so a busy channel costs no database write per command."""

    LIMIT = 50_000  # entries kept before the memo starts over

    def __init__(self, sessions: Sessions, clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock
        self._written: dict[tuple[str, str, str], tuple[str, str]] = {}
        self._lock = threading.Lock()

    def saw(
        self,
        team_id: str,
        *,
        people: Mapping[str, str] | None = None,
        channels: Mapping[str, str] | None = None,
        source: str = SEEN,
    ) -> None:
        fresh_people = self._fresh(team_id, PERSON, people or {}, source)
        fresh_channels = self._fresh(team_id, CHANNEL, channels or {}, source)
        if not fresh_people and not fresh_channels:
            return
        try:
            with self._sessions.begin() as session:
                remember(
                    session,
                    team_id,
                    self._clock.now(),
                    people=fresh_people,
                    channels=fresh_channels,
                    source=source,
                )
        except SQLAlchemyError as exc:
            # Names are a courtesy to the exports: a database that cannot take them now must
            # not fail the command that showed them. They are written when next seen.
            log.warning("names not stored (%s); they are tried again when next seen", exc.code)
            return
        with self._lock:
            if len(self._written) > self.LIMIT:
                self._written.clear()
            for kind, names in ((PERSON, fresh_people), (CHANNEL, fresh_channels)):
                for slack_id, name in names.items():
                    self._written[(team_id, kind, slack_id)] = (name, source)

    def saw_profile(self, team_id: str, user_id: str, profile: Mapping[str, Any] | None) -> None:
        """A users.info answer: the directory's name for this person."""
        if name := person_name(profile):
            self.saw(team_id, people={user_id: name}, source=DIRECTORY)

    def saw_channel(self, team_id: str, channel_id: str, info: Mapping[str, Any] | None) -> None:
        """A conversations.info answer: the directory's name for this channel."""
        if name := channel_name(info):
            self.saw(team_id, channels={channel_id: name}, source=DIRECTORY)

    def _fresh(
        self, team_id: str, kind: str, names: Mapping[str, str], source: str
    ) -> dict[str, str]:
        fresh = {}
        with self._lock:
            for slack_id, value in names.items():
                name = clean(value)
                written = self._written.get((team_id, kind, slack_id))
                if name is None or written == (name, source):
                    continue
                if written is not None and RANK[written[1]] > RANK[source]:
                    continue
                fresh[slack_id] = name
        return fresh


MENTION = re.compile(r"<([@#!])([A-Za-z0-9^_-]+)(?:\|([^<>]*))?>")


def humanize(text: str | None, book: NameBook) -> str | None:
    """Slack's mention markup in a text (`<@U123>`, `<#C123|platform>`, `<!here>`) as the
    names a reader outside Slack understands: @Carol, #platform, @here."""
    if text is None:
        return None

    def name(match: re.Match[str]) -> str:
        sigil, target, label = match.groups()
        if sigil == "@":
            return "@" + (book.people.get(target) or clean(label) or target)
        if sigil == "#":
            return "#" + (book.channels.get(target) or clean(label) or target)
        return "@" + (clean(label) or target.split("^")[0]).lstrip("@")

    return MENTION.sub(name, text)
