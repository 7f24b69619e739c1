"""The triggers that keep the running totals of decisions (app/db/models/counts.py) in step with
`decisions`, on PostgreSQL and SQLite; the fold that moves recorded changes into the totals;
and a rebuild from scratch.

A trigger never updates a total: each change of a decision appends rows to
`decision_count_changes` (what its old row took back and its new row adds, net, per key).
Appending takes no lock that another transaction waits for, so writers of the same team, day
and decider never block each other and cannot deadlock (updating the totals in place did, as
soon as two transactions each changed two decisions: tests/db/test_counts.py). `fold()`, a
sweep, moves the changes into the totals in one statement; readers add the changes not yet
folded. The definitions match metrics.read_tally's.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

COUNTS = "decision_day_counts"
LOADS = "decision_loads"
CHANGES = "decision_count_changes"
FUNCTION = "decision_counts_follow"
# The columns a contribution depends on: an UPDATE of none of them changes no total.
FOLLOWED = (
    "team_id", "channel_id", "decider_id", "status", "framework", "decider_rule", "outcome",
    "created_at", "decided_at",
)  # fmt: skip
DAY_COLUMNS = ("opened", "expertise", "tiebroken", "timed", "decided", "reviewed", "worked")
CHANGE_COLUMNS = (*DAY_COLUMNS, "held")
OPEN = "('open', 'escalated')"
KEY = ("team_id", "day", "channel_id", "decider_id")


def _day(column: str, dialect: str) -> str:
    return f"CAST({column} AS date)" if dialect == "postgresql" else f"date({column})"


def _when(condition: str, sign: int) -> str:
    return f"CASE WHEN {condition} THEN {sign} ELSE 0 END"


def _contributions(row: str, sign: int, dialect: str, source: str) -> list[str]:
    """SELECTs of (team, day, channel, decider, *CHANGE_COLUMNS) that `row` (NEW, OLD or a table
    alias) adds to the totals, times `sign`: on its opening day, on its decision day, and to
    the load (day NULL). `source`: the FROM clause when `row` is a table alias."""
    counted = f"{row}.status <> 'cancelled'"
    decided = f"{row}.status = 'decided'"
    key = (
        f"{row}.team_id AS c_team, {{day}} AS c_day, {row}.channel_id AS c_channel, "
        f"coalesce({row}.decider_id, '') AS c_decider"
    )
    opened = [
        _when(counted, sign),
        _when(f"{counted} AND {row}.framework = 'expertise' AND {row}.decider_rule IS NULL", sign),
        _when(f"{counted} AND {row}.decider_rule IS NOT NULL", sign),
        "0", "0", "0", "0", "0",
    ]  # fmt: skip
    timed = [
        "0", "0", "0",
        _when(f"{row}.decided_at IS NOT NULL", sign),
        _when(decided, sign),
        _when(f"{decided} AND {row}.outcome IS NOT NULL", sign),
        _when(f"{decided} AND {row}.outcome = 'worked'", sign),
        "0",
    ]  # fmt: skip
    held = [*["0"] * len(DAY_COLUMNS), _when(f"{row}.status IN {OPEN}", sign)]
    return [
        f"SELECT {key.format(day=_day(f'{row}.created_at', dialect))}, {_named(opened)} {source}",
        f"SELECT {key.format(day=_day(f'{row}.decided_at', dialect))}, {_named(timed)} {source}",
        f"SELECT {key.format(day='NULL')}, {_named(held)} {source}",
    ]


def _named(values: list[str]) -> str:
    """The values as the c_<name> columns of CHANGE_COLUMNS (a UNION takes its first SELECT's)."""
    named = zip(values, CHANGE_COLUMNS, strict=True)
    return ", ".join(f"{value} AS c_{name}" for value, name in named)


def _record(changes: list[tuple[str, int]], dialect: str, source: str = "") -> str:
    """The statement that appends what `changes` ((row, sign) pairs) do to the totals, net per
    key; a key whose net change is zero (an outcome recorded leaves the opening day as it
    was) adds no row. A decided day's part of a row not decided has no day: left out."""
    parts = " UNION ALL ".join(
        part for row, sign in changes for part in _contributions(row, sign, dialect, source)
    )
    sums = ", ".join(f"sum(c_{name})" for name in CHANGE_COLUMNS)
    moved = " OR ".join(f"sum(c_{name}) <> 0" for name in CHANGE_COLUMNS)
    return f"""
        INSERT INTO {CHANGES} ({", ".join(KEY)}, {", ".join(CHANGE_COLUMNS)})
        SELECT c_team, c_day, c_channel, c_decider, {sums}
        FROM ({parts}) AS changed
        WHERE c_team IS NOT NULL AND (c_day IS NOT NULL OR c_held <> 0)
        GROUP BY c_team, c_day, c_channel, c_decider
        HAVING {moved}
        """  # noqa: S608 (names and SQL of this module, no input)


def create_triggers(connection: Connection) -> None:
    dialect = connection.dialect.name
    followed = ", ".join(FOLLOWED)
    if dialect == "postgresql":
        connection.execute(
            text(
                f"""
                CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    {_record([("OLD", -1), ("NEW", 1)], dialect)};
                    RETURN NULL;
                END
                $$
                """
            )
        )
        connection.execute(
            text(
                f"CREATE TRIGGER {FUNCTION} AFTER INSERT OR DELETE OR UPDATE OF {followed} "
                f"ON decisions FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()"
            )
        )
        return
    # SQLite has no NEW in a DELETE trigger nor OLD in an INSERT one: a trigger per operation.
    for name, when, changes in (
        ("insert", "INSERT", [("NEW", 1)]),
        ("delete", "DELETE", [("OLD", -1)]),
        ("update", f"UPDATE OF {followed}", [("OLD", -1), ("NEW", 1)]),
    ):
        connection.execute(
            text(
                f"CREATE TRIGGER {FUNCTION}_{name} AFTER {when} ON decisions FOR EACH ROW "
                f"BEGIN {_record(changes, dialect)}; END"
            )
        )


def drop_triggers(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"DROP TRIGGER IF EXISTS {FUNCTION} ON decisions"))
        connection.execute(text(f"DROP FUNCTION IF EXISTS {FUNCTION}()"))
        return
    for name in ("insert", "delete", "update"):
        connection.execute(text(f"DROP TRIGGER IF EXISTS {FUNCTION}_{name}"))


def _folded(source: str) -> list[str]:
    """Add the rows of `source` (a CTE or a filtered table) to the totals, in key order."""
    day_sums = ", ".join(f"sum({name})" for name in DAY_COLUMNS)
    moved = " OR ".join(f"sum({name}) <> 0" for name in DAY_COLUMNS)
    added = ", ".join(f"{name} = {COUNTS}.{name} + excluded.{name}" for name in DAY_COLUMNS)
    return [
        f"""
        INSERT INTO {COUNTS} ({", ".join(KEY)}, {", ".join(DAY_COLUMNS)})
        SELECT {", ".join(KEY)}, {day_sums} FROM {source} AND day IS NOT NULL
        GROUP BY {", ".join(KEY)} HAVING {moved}
        ORDER BY {", ".join(KEY)}
        ON CONFLICT ({", ".join(KEY)}) DO UPDATE SET {added}
        """,  # noqa: S608 (names and SQL of this module, no input)
        f"""
        INSERT INTO {LOADS} (team_id, channel_id, decider_id, held)
        SELECT team_id, channel_id, decider_id, sum(held) FROM {source} AND day IS NULL
        GROUP BY team_id, channel_id, decider_id HAVING sum(held) <> 0
        ORDER BY team_id, channel_id, decider_id
        ON CONFLICT (team_id, channel_id, decider_id) DO UPDATE SET
            held = {LOADS}.held + excluded.held
        """,  # noqa: S608 (names and SQL of this module, no input)
    ]


def fold(connection: Connection) -> int:
    """Move every recorded change into the totals; returns how many change rows were folded.

    The rows folded are exactly the rows deleted: on PostgreSQL one statement deletes them and
    adds what it deleted (a change committed meanwhile is neither, and waits for the next
    fold; a fold running at the same time deletes other rows, never the same ones twice). On
    SQLite the fold's transaction is the only writer, so the rows up to the highest id it read
    are the rows it deletes."""
    if connection.dialect.name == "postgresql":
        days, loads = _folded("moved WHERE true")
        columns = ", ".join((*KEY, *CHANGE_COLUMNS))
        return connection.execute(
            text(
                f"""
                WITH moved AS (DELETE FROM {CHANGES} RETURNING {columns}),
                days AS ({days}),
                loads AS ({loads})
                SELECT count(*) FROM moved
                """  # noqa: S608 (names and SQL of this module, no input)
            )
        ).scalar_one()
    last = connection.execute(text(f"SELECT max(id) FROM {CHANGES}")).scalar()  # noqa: S608
    if last is None:
        return 0
    for statement in _folded(f"{CHANGES} WHERE id <= :last"):
        connection.execute(text(statement), {"last": last})
    folded = text(f"DELETE FROM {CHANGES} WHERE id <= :last")  # noqa: S608 (this module's name)
    return connection.execute(folded, {"last": last}).rowcount


def rebuild(connection: Connection) -> None:
    """The totals recomputed from every decision, as if the triggers had followed each one from
    the start: what the migration does for decisions that predate it, and what a bulk load
    with the trigger disabled (bench/scale's COPY) does after."""
    for table in (CHANGES, COUNTS, LOADS):
        connection.execute(text(f"DELETE FROM {table}"))  # noqa: S608 (this module's names)
    # The triggers' statement over every decision: `d` is the table instead of a trigger row.
    connection.execute(text(_record([("d", 1)], connection.dialect.name, "FROM decisions AS d")))
    fold(connection)
