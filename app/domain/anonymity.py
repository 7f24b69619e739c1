"""Keys for anonymous flows: random, held only while the flow is open, then destroyed.

An anonymous answer, ballot or report still needs a dedupe key (Slack delivers a submission
twice; one person counts once). A plain hash of a user or view id would let anyone with the
member list or the logs recompute it, so every such key is an HMAC under a random secret that
lives in `anonymity_keys` only while the flow is open. Closing deletes the secret and erases
every hash made with it: from then on the rows carry nothing derived from a person.

Anonymous rows also take random ids (`random_id`), never the next one, so that row order says
nothing about who came first.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.db.models import AnonymityKey, FeedbackReport, RetroAnswer, RetroRespondent

REPORTS = "reports"
RETRO = "retro:"


def random_id() -> int:
    """A random positive 63-bit id: collisions are as likely as guessing a 63-bit secret."""
    return secrets.randbelow(2**63 - 1) + 1


def keyed(secret: str, *parts: object) -> str:
    return hmac.new(bytes.fromhex(secret), ":".join(map(str, parts)).encode(), "sha256").hexdigest()


def open_key(
    session: Session, team_id: str, scope: str, now: datetime, lifetime: timedelta
) -> AnonymityKey:
    """The scope's live key, made now if there is none (an expired one is destroyed first).
    Two first submissions at once make one key: the insert does nothing on conflict."""
    found = _get(session, team_id, scope)
    if found is not None and found.expires_at <= now:
        destroy(session, found)
        found = None
    if found is not None:
        return found
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(AnonymityKey)
        .values(
            team_id=team_id, scope=scope, secret=secrets.token_hex(32), expires_at=now + lifetime
        )
        .on_conflict_do_nothing(index_elements=["team_id", "scope"])
    )
    created = _get(session, team_id, scope)
    assert created is not None  # inserted, or inserted by the other writer
    return created


def live_key(session: Session, team_id: str, scope: str, now: datetime) -> AnonymityKey | None:
    found = _get(session, team_id, scope)
    return found if found is not None and found.expires_at > now else None


def _get(session: Session, team_id: str, scope: str) -> AnonymityKey | None:
    return session.scalars(
        select(AnonymityKey).where(AnonymityKey.team_id == team_id, AnonymityKey.scope == scope)
    ).one_or_none()


def destroy(session: Session, key: AnonymityKey) -> None:
    """Erase every hash made with the key, then the key. The rows are released together: written
    anew in a random order under new random ids, so that not even where the database happened
    to store each one (PostgreSQL keeps insertion order on disk) follows who came first."""
    for model, where, column in _keyed_rows(key):
        rows = session.scalars(select(model).where(*where)).all()
        values = [{c.key: getattr(row, c.key) for c in model.__table__.columns} for row in rows]
        session.execute(delete(model).where(*where).execution_options(synchronize_session=False))
        secrets.SystemRandom().shuffle(values)
        for value in values:
            value.update({"id": random_id(), column: None})
        if values:
            session.execute(insert(model), values)
    session.execute(delete(AnonymityKey).where(AnonymityKey.id == key.id))
    session.expire_all()


def _keyed_rows(key: AnonymityKey):
    """(model, where, hash column) of the rows whose hashes were made with the key."""
    team = key.team_id
    if key.scope == REPORTS:
        yield FeedbackReport, [FeedbackReport.team_id == team], "dedupe_key"
    elif key.scope.startswith(RETRO):
        post_id = int(key.scope.removeprefix(RETRO))
        for model, column in ((RetroAnswer, "dedupe_key"), (RetroRespondent, "respondent_key")):
            yield model, [model.team_id == team, model.post_id == post_id], column


def destroy_expired(sessions: Callable[[], Session], now: datetime) -> int:
    """Destroy every key past its time, each in its own transaction; returns how many."""
    with sessions() as session:
        due = [
            (team, scope)
            for team, scope in session.execute(
                select(AnonymityKey.team_id, AnonymityKey.scope).where(
                    AnonymityKey.expires_at <= now
                )
            )
        ]
    destroyed = 0
    for team, scope in due:
        with sessions() as session, session.begin():
            key = _get(session, team, scope)
            if key is not None and key.expires_at <= now:
                destroy(session, key)
                destroyed += 1
    return destroyed
