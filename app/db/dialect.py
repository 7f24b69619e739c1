"""The SQL that differs between PostgreSQL and SQLite, in one place.

The domain states what it needs (an upsert, a duration in seconds, low percentiles); this module
knows how each database says it, so no rule carries a dialect branch.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    Select,
    String,
    cast,
    column,
    func,
    literal,
    or_,
    select,
    table,
    true,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.db.migrate import SIMILAR_KEYS
from app.db.models import Decision
from app.db.title_key import trigram_similarity
from app.db.types import UTCDateTime


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
    key: str,
    where: Callable[[Any], Sequence[Any]],
    *,
    threshold: float,
    limit: int,
    scan_cap: int,
    budget_ms: int | None = None,
) -> list[tuple[Any, float]] | None:
    """The decisions (`columns`) whose title key is at least `threshold` similar to `key`, most
    similar first (newest first among equals), each with its score. `where(rows)` gives the
    caller's conditions on `rows.team_id`, `rows.status` and `rows.decided_at`: `rows` is the
    decisions table, or on PostgreSQL the narrow copy of their keys (migration 0016).

    PostgreSQL: pg_trgm's similarity() over that copy, through its trigram index, only among
    keys whose trigram count lets them reach `threshold` (similarity can be no more than the
    smaller count over the larger); the short keys have an index of their own, so a one-word
    title does not re-check every longer key holding its common word (bench/README.md). The
    query may take at most `budget_ms`; past it the answer is None (rolled back to a
    savepoint, so the caller's transaction goes on), and the caller goes on without.

    Elsewhere (SQLite, or PostgreSQL without pg_trgm) the same similarity computed in Python
    over the newest `scan_cap` rows matching `where` that share the start of a word with `key`
    (SQLite compares substrings in C far faster than Python compares trigrams; two keys that
    share no word start are rarely a third alike)."""
    if _is_postgresql(session) and _has_similar_keys(session):
        return _most_similar_on_postgresql(
            session, columns, key, where, threshold=threshold, limit=limit, budget_ms=budget_ms
        )
    starts = {word[:WORD_START] for word in key.split()}
    shares = or_(*(Decision.title_key.contains(start, autoescape=True) for start in sorted(starts)))
    query = select(*columns, Decision.title_key).where(*where(Decision), shares)
    scored = []
    for row in session.execute(query.order_by(Decision.id.desc()).limit(scan_cap)):
        score = trigram_similarity(key, row[-1])
        if score >= threshold:
            scored.append((tuple(row[:-1]), score))
    scored.sort(key=lambda found: -found[1])  # stable: newest first among equals
    return scored[:limit]


SIMILAR_KEYS_TABLE = table(
    SIMILAR_KEYS,
    column("decision_id", Integer),
    column("team_id", String),
    column("title_key", String),
    column("trigrams", Integer),
    column("status", String),
    column("decided_at", UTCDateTime()),
)


def trigram_count_bounds(count: int, threshold: float) -> tuple[int, int]:
    """The trigram counts a key may have and still be `threshold` similar to a key of `count`
    trigrams: similarity is shared / (both - shared), at most min/max of the two counts. One
    wider on each side than the arithmetic, so float rounding can never drop a match."""
    return max(0, math.floor(count * threshold) - 1), math.ceil(count / threshold) + 1


def _most_similar_on_postgresql(
    session: Session,
    columns: Sequence[Any],
    key: str,
    where: Callable[[Any], Sequence[Any]],
    *,
    threshold: float,
    limit: int,
    budget_ms: int | None,
) -> list[tuple[Any, float]] | None:
    # pg_trgm's own count: the bound must agree with the similarity it bounds.
    previous, count = session.execute(
        select(
            func.current_setting("statement_timeout"),
            func.coalesce(func.array_length(func.show_trgm(key), 1), 0),
        )
    ).one()
    if not count:
        return []
    try:
        with session.begin_nested():  # a timeout rolls back to here, and no further
            found = _at_least(session, columns, key, where, threshold, count, limit, budget_ms)
            session.execute(select(func.set_config("statement_timeout", previous, True)))
    except OperationalError as exc:
        if getattr(exc.orig, "sqlstate", None) != QUERY_CANCELED:
            raise
        return None
    return [(row[:-1], float(row[-1])) for row in found]


def _at_least(session, columns, key, where, threshold, count, limit, budget_ms) -> list[Any]:
    """The `limit` keys most like `key` among those at least `threshold` alike."""
    keys = SIMILAR_KEYS_TABLE.c
    low, high = trigram_count_bounds(count, threshold)
    score = func.similarity(keys.title_key, key).label("score")
    near = (
        select(keys.decision_id, score)
        .where(
            *where(keys),
            keys.title_key.op("%")(key),
            # Literals, not parameters, so the planner can prove the short-key index applies.
            keys.trigrams.between(
                literal(low, literal_execute=True), literal(high, literal_execute=True)
            ),
        )
        .order_by(score.desc(), keys.decision_id.desc())
        .limit(limit)
        .subquery()
    )
    query = (
        select(*columns, near.c.score)
        .join_from(Decision, near, Decision.id == near.c.decision_id)
        .order_by(near.c.score.desc(), Decision.id.desc())
    )
    # `%` uses the trigram index with this threshold; set_config(..., true) lasts only for
    # this transaction, like the statement timeout.
    settings = [func.set_config("pg_trgm.similarity_threshold", str(threshold), True)]
    if budget_ms is not None:
        settings.append(func.set_config("statement_timeout", f"{int(budget_ms)}ms", True))
    session.execute(select(*settings))
    return session.execute(query).all()


def _has_similar_keys(session: Session) -> bool:
    """Migration 0016 made the copy where pg_trgm is installed."""
    return session.scalar(select(func.to_regclass(SIMILAR_KEYS))) is not None


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
