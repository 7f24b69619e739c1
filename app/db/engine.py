"""Engine and session factory, built on demand: nothing connects at import time.

`check_database` is the first connection a command makes: a database that cannot be reached,
refuses the user, does not exist, or a SQLite file that cannot be written becomes one
`SettingsError` line naming DATABASE_URL and what to do, instead of a driver traceback.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app.config import SettingsError

# libpq waits for the operating system's TCP timeout (minutes) on a host that drops packets.
POSTGRES_CONNECT_TIMEOUT = 10


def make_engine(url: str, *, pool_size: int = 10) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "savepoint", _begin_before_savepoint)
        writers = OneWriterAtATime()
        event.listen(engine, "before_cursor_execute", writers.before_execute)
        event.listen(engine.pool, "checkin", writers.checked_in)
        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=pool_size,
        connect_args={"connect_timeout": POSTGRES_CONNECT_TIMEOUT},
    )


_WRITES = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)\b", re.IGNORECASE)
_HOLDS = "deference_writer"
WRITER_WAIT = 30.0  # seconds, SQLite's own busy_timeout: past it, SQLite decides as before


class OneWriterAtATime:
    """Queue this process's SQLite writers on a lock instead of in SQLite's busy handler.

    SQLite lets one connection write at a time. The others retry in its busy handler, which
    sleeps 1, 2, 5, 10 ... 100 ms between tries and is not woken when the file frees up, so
    under load a `/decide` waited mostly in those sleeps (bench/README.md, profile). A thread
    about to write takes this lock first and keeps it until its connection returns to the pool
    (after the commit); the next writer is handed the file at once. Reads never take it (WAL
    lets them run beside the writer). A thread that writes through a second connection while
    its first holds the file goes on as without the lock (SQLite's busy_timeout decides).
    """

    def __init__(self) -> None:
        self._free = threading.Semaphore(1)  # released by whichever thread returns the connection
        self._holder: int | None = None

    def before_execute(self, conn, _cursor, statement, _params, _context, _many) -> None:
        if conn.info.get(_HOLDS) or not _WRITES.match(statement):
            return
        if self._holder == threading.get_ident():
            return
        if self._free.acquire(timeout=WRITER_WAIT):
            self._holder = threading.get_ident()
            conn.info[_HOLDS] = True

    def checked_in(self, _dbapi_connection, record) -> None:
        if record.info.pop(_HOLDS, False):
            self._holder = None
            self._free.release()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL lets the HTTP threads read while one writes; foreign keys are off by default."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    # Deleted rows are overwritten, not left in free pages: a destroyed anonymity key must not
    # be readable from the file afterwards (app.domain.anonymity).
    cursor.execute("PRAGMA secure_delete=ON")
    if not _is_memory(dbapi_connection):
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _begin_before_savepoint(connection, _name) -> None:
    """pysqlite opens a transaction only before a write. A SAVEPOINT outside one starts its own,
    and releasing it commits: a later rollback of the session would leave its rows behind."""
    raw = connection.connection.dbapi_connection
    if not raw.in_transaction:
        raw.execute("BEGIN")


def _is_memory(dbapi_connection) -> bool:
    cursor = dbapi_connection.cursor()
    try:
        rows = cursor.execute("PRAGMA database_list").fetchall()
    finally:
        cursor.close()
    return any(row[1] == "main" and not row[2] for row in rows)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def database_answers(engine: Engine) -> bool:
    """True when a trivial query succeeds; used by /healthz."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:
        return False


def check_database(engine: Engine) -> None:
    """Connect once, so that a setup mistake surfaces as one line before anything starts."""
    url = engine.url
    if url.get_backend_name() == "sqlite":
        check_sqlite_path(url.database)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        raise SettingsError(_refusal(engine, exc)) from None


def check_sqlite_path(database: str | None) -> None:
    """SQLite writes the file, its journal and WAL beside it: the directory must be writable."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database).expanduser().absolute()
    folder = path.parent
    existing = next(p for p in (folder, *folder.parents) if p.exists())
    advice = "set DATABASE_URL to a file in a writable directory, e.g. sqlite:////data/deference.db"
    if not existing.is_dir():
        problem = f"{existing} is a file, not a directory"
    elif existing != folder:
        problem = f"directory {folder} does not exist"
        advice = f"create it (mkdir -p {folder}) or {advice}"
    elif not os.access(folder, os.W_OK | os.X_OK):
        problem = f"directory {folder} is not writable by this user"
    elif path.is_dir():
        problem = f"{path} is a directory"
    elif path.exists() and not os.access(path, os.R_OK | os.W_OK):
        problem = f"{path} is not writable by this user"
    else:
        return
    raise SettingsError(f"DATABASE_URL names SQLite file {path}, but {problem}: {advice}.")


def _refusal(engine: Engine, exc: OperationalError) -> str:
    url = engine.url
    reason = _short_reason(exc)
    if url.get_backend_name() == "sqlite":
        return (
            f"DATABASE_URL names SQLite file {url.database}, which cannot be opened ({reason}): "
            "set DATABASE_URL to a file in a writable directory."
        )
    where = f"{url.host or 'localhost'}:{url.port or 5432}"
    lowered = reason.lower()
    if "database" in lowered and "does not exist" in lowered:
        return (
            f'DATABASE_URL names database "{url.database}", which does not exist on {where}: '
            f"create it (createdb {url.database}) or correct the name in DATABASE_URL."
        )
    if "authentication" in lowered or "role" in lowered or "password" in lowered:
        return (
            f'DATABASE_URL: PostgreSQL at {where} refused user "{url.username}" ({reason}): '
            "correct the user and password in DATABASE_URL."
        )
    return (
        f"DATABASE_URL: PostgreSQL at {where} cannot be reached ({reason}): start PostgreSQL "
        "there, or correct the host and port in DATABASE_URL."
    )


def _short_reason(exc: OperationalError) -> str:
    """The driver's own words, first line only, without the repeated connection preamble."""
    lines = str(exc.orig).strip().splitlines() or [type(exc.orig).__name__]
    first = lines[0].rsplit("failed: ", 1)[-1]
    return first.removeprefix("FATAL:").strip()
