"""The SQL that differs between PostgreSQL and SQLite, in one place.

The domain states what it needs (an upsert, a duration in seconds, low percentiles); this module
knows how each database says it, so no rule carries a dialect branch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Float, Select, cast, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def _is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def upsert(
    session: Session,
    table: Any,
    key: Mapping[str, Any],
    changes: Mapping[str, Any],
    inserted_only: Mapping[str, Any] | None = None,
) -> None:
    """Insert `key` + `changes` (+ `inserted_only`, e.g. a random id), or apply `changes` to
    the row with that unique `key`: one statement, so two concurrent deliveries cannot both
    insert."""
    insert = postgresql.insert if _is_postgresql(session) else sqlite.insert
    session.execute(
        insert(table)
        .values(**(inserted_only or {}), **key, **changes)
        .on_conflict_do_update(index_elements=list(key), set_=dict(changes))
    )


def seconds_between(start: Any, end: Any, session: Session) -> ColumnElement[float]:
    """`end - start` in seconds, computed by the database itself."""
    if _is_postgresql(session):
        return func.extract("epoch", end - start)
    return cast((func.julianday(end) - func.julianday(start)) * 86400, Float)


def lower_percentiles(
    session: Session, value: ColumnElement, where: Sequence[Any], count: int, ranks: Sequence[int]
) -> list[Any]:
    """The values at each 0-based `rank` of `value` sorted ascending over `count` rows.

    PostgreSQL finds them all in one sort with percentile_disc, at a fraction that lands on the
    rank; elsewhere each is an ORDER BY ... OFFSET query."""
    if _is_postgresql(session):
        # percentile_disc(p) takes row ceil(p * n); (rank + 0.5) / n lands on rank + 1.
        return list(
            session.execute(
                select(
                    *(func.percentile_disc((r + 0.5) / count).within_group(value) for r in ranks)
                ).where(*where)
            ).one()
        )
    ordered: Select = select(value).where(*where).order_by(value)
    return [session.scalar(ordered.offset(r).limit(1)) for r in ranks]


def insert_missing(
    session: Session, table: Any, rows: Sequence[Mapping[str, Any]], key: Sequence[str]
) -> int:
    """Insert the rows whose unique `key` is not taken yet, in one statement, skipping the
    rest (another process may be inserting the same ones). Returns how many were inserted."""
    if not rows:
        return 0
    insert = postgresql.insert if _is_postgresql(session) else sqlite.insert
    statement = insert(table).values(list(rows)).on_conflict_do_nothing(index_elements=list(key))
    # RETURNING counts what went in on both databases (a driver's rowcount may not).
    return len(session.execute(statement.returning(table.c[key[0]])).all())
