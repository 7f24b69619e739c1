"""A per-team memo of figures that are the same for everyone in the team (Home's dashboard and
insight, `/decide stats` per channel and period), so a Home opened by many people at once reads
the team's decisions once.

How stale a value may be: in the process that commits a write to a team, none — the commit
drops that team's entry before the next read (`watch`). Other worker processes do not hear of
that commit, so there a value is at most `ttl` old (30 s by default). A value computed while a
write to its team committed is not kept (generations), and concurrent misses for one team wait
for the first to compute rather than all reading the database.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import BindParameter

T = TypeVar("T")
TTL = timedelta(seconds=30)
TOUCHED = "team_cache.touched"  # session.info key: teams this transaction wrote to
EVERY_TEAM = "*"  # a bulk UPDATE/DELETE: which teams it touched is not known, so all


@dataclass(frozen=True)
class _Entry:
    at: datetime
    value: Any


class TeamCache:
    def __init__(self, ttl: timedelta = TTL, limit: int = 1000) -> None:
        self.ttl = ttl
        self.limit = limit  # teams kept at most; the one stored longest ago goes first
        self._entries: dict[str, dict[Hashable, _Entry]] = {}
        self._generations: dict[str, int] = {}
        self._everything = 0  # bumped by a write whose teams are unknown
        self._computing: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, team_id: str, now: datetime, compute: Callable[[], T], key: Hashable = None) -> T:
        """The team's value for `key` if fresh at `now` (the caller's clock), else
        `compute()`'s, kept for the next reader."""
        with self._lock:
            computing = self._computing.setdefault(team_id, threading.Lock())
        with computing:  # one reader per team computes; the others find its value
            with self._lock:
                entry = self._entries.get(team_id, {}).get(key)
                if entry is not None and entry.at <= now < entry.at + self.ttl:
                    return entry.value
                generation = self._generation(team_id)
            value = compute()
            with self._lock:
                if self._generation(team_id) == generation:  # no write committed meanwhile
                    team = self._entries.pop(team_id, {})
                    team[key] = _Entry(now, value)
                    self._entries[team_id] = team
                    while len(self._entries) > self.limit:
                        del self._entries[next(iter(self._entries))]
            return value

    def forget(self, team_id: str) -> None:
        """Drop a team's value: a write to it committed (EVERY_TEAM: to some team)."""
        with self._lock:
            if team_id == EVERY_TEAM:
                self._everything += 1
                self._entries.clear()
            else:
                self._generations[team_id] = self._generations.get(team_id, 0) + 1
                self._entries.pop(team_id, None)

    def _generation(self, team_id: str) -> tuple[int, int]:
        return self._everything, self._generations.get(team_id, 0)

    def watch(self, sessions: sessionmaker[Session]) -> None:
        """Forget a team when a session from `sessions` commits a write to it."""
        event.listen(sessions, "after_flush", _note_flush)
        event.listen(sessions, "do_orm_execute", _note_bulk)
        event.listen(sessions, "after_commit", self._after_commit)
        event.listen(sessions, "after_transaction_end", _clear)

    def _after_commit(self, session: Session) -> None:
        if session.in_nested_transaction():
            return  # a SAVEPOINT released: nothing is committed until the outer transaction is
        for team_id in session.info.pop(TOUCHED, ()):
            self.forget(team_id)


def _touched(session: Session) -> set[str]:
    return session.info.setdefault(TOUCHED, set())


def _note_flush(session: Session, _context) -> None:
    teams = _touched(session)
    for row in (*session.new, *session.dirty, *session.deleted):
        team_id = getattr(row, "team_id", None)
        if isinstance(team_id, str):  # the figures read team-scoped rows only
            teams.add(team_id)


def _note_bulk(state) -> None:
    """An INSERT/UPDATE/DELETE statement: the teams its parameters name, else every team."""
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    # The statement's own bound values, found by walking it (compiling it here would fail for
    # an ORM bulk INSERT, which compiles only inside its execution), then executemany's rows.
    given = [
        {element.key: element.value}
        for element in visitors.iterate(state.statement)
        if isinstance(element, BindParameter)
    ]
    given += state.parameters if isinstance(state.parameters, list) else [state.parameters or {}]
    named = {
        value
        for params in given
        for key, value in params.items()
        if "team_id" in key and isinstance(value, str)  # an anonymous bind: "%(… team_id)s"
    }
    _touched(state.session).update(named or {EVERY_TEAM})


def _clear(session: Session, transaction) -> None:
    """The outer transaction ended: committed (already forgotten) or rolled back (nothing to
    forget); a savepoint's end changes nothing."""
    if transaction.parent is None:
        session.info.pop(TOUCHED, None)
