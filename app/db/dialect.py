"""The SQL that differs between PostgreSQL and SQLite, in one place.

The domain states what it needs (an upsert, a duration in seconds, low percentiles); this module
knows how each database says it, so no rule carries a dialect branch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Float, Select, cast, func, or_, select, text, true
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.db.title_key import trigram_similarity


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
        # EXTRACT gives numeric, which velocity's sort spills to disk at 90,000 rows; a double
        # has room for every microsecond, so the order and the rounded seconds are the same.
        return cast(func.extract("epoch", end - start), Float)
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


QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE for a statement_timeout
WORD_START = 4  # characters of each word a candidate must contain, off PostgreSQL


def most_similar(
    session: Session,
    columns: Sequence[Any],
    key_column: Any,
    key: str,
    where: Sequence[Any],
    *,
    threshold: float,
    limit: int,
    scan_cap: int,
    newest_first: Any,
    budget_ms: int | None = None,
) -> list[tuple[Any, float]] | None:
    """The rows (`columns`) whose `key_column` is at least `threshold` similar to `key`, most
    similar first, each with its score: pg_trgm's similarity() on PostgreSQL, through its
    trigram index; elsewhere (SQLite, or PostgreSQL without pg_trgm) the same similarity
    computed in Python over the newest `scan_cap` rows matching `where` that share the start
    of a word with `key` (SQLite compares substrings in C far faster than Python compares
    trigrams; two keys that share no word start are rarely a third alike).

    On PostgreSQL the query may take at most `budget_ms`; past it the answer is None (rolled
    back to a savepoint, so the caller's transaction goes on), and the caller goes on without."""
    if _is_postgresql(session) and _has_pg_trgm(session):
        # `%` uses the trigram index with this threshold; set_config(..., true) lasts only
        # for this transaction, like the statement timeout.
        settings = {"pg_trgm.similarity_threshold": str(threshold)}
        previous = session.scalar(select(func.current_setting("statement_timeout")))
        if budget_ms is not None:
            settings["statement_timeout"] = f"{int(budget_ms)}ms"
        score = func.similarity(key_column, key)
        query = (
            select(*columns, score)
            .where(*where, key_column.op("%")(key))
            .order_by(score.desc(), newest_first)
            .limit(limit)
        )
        try:
            with session.begin_nested():  # a timeout rolls back to here, and no further
                for name, value in settings.items():
                    session.execute(select(func.set_config(name, value, True)))
                found = session.execute(query).all()
                session.execute(select(func.set_config("statement_timeout", previous, True)))
        except OperationalError as exc:
            if getattr(exc.orig, "sqlstate", None) != QUERY_CANCELED:
                raise
            return None
        return [(row[:-1], float(row[-1])) for row in found]
    starts = {word[:WORD_START] for word in key.split()}
    shares = or_(*(key_column.contains(start, autoescape=True) for start in sorted(starts)))
    query = select(*columns, key_column).where(*where, shares)
    scored = []
    for row in session.execute(query.order_by(newest_first).limit(scan_cap)):
        score = trigram_similarity(key, row[-1])
        if score >= threshold:
            scored.append((tuple(row[:-1]), score))
    scored.sort(key=lambda found: -found[1])  # stable: newest first among equals
    return scored[:limit]


def _has_pg_trgm(session: Session) -> bool:
    return session.scalar(text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")) is not None


def outer_join_each(
    session: Session, left: Any, right: Any, onclause: Any, columns: Sequence[Any], name: str
) -> tuple[Any, dict[str, Any]]:
    """`left` LEFT JOIN the rows of `right` that `onclause` finds for each of its rows, and
    `columns` of `right` by key, as the joined FROM can name them.

    PostgreSQL hashes the whole of `right` for a plain join (a year of ballots for a month of
    polls); a LATERAL subquery behind OFFSET 0 (which keeps the planner from flattening it)
    probes `right`'s index once per row of `left` instead: 36 ms instead of 110 ms for a month
    in bench/scale. SQLite joins by nested loops anyway."""
    if _is_postgresql(session):
        each = select(*columns).where(onclause).offset(0).lateral(name)
        return left.outerjoin(each, true()), {c.key: each.c[c.key] for c in columns}
    return left.outerjoin(right, onclause), {c.key: c for c in columns}
