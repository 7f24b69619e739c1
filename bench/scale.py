"""How the log, export, stats and Home queries hold up on a large team.

    python -m bench.scale [--decisions 100000] [--database-url URL]

Seeds one team with N decisions (a tenth still open, spread over a year, eight deciders and a
long tail) into a fresh database, then times each query a few times and prints a table.
Benchmarks are not tests: nothing here asserts a duration.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, text

from app.config import Settings
from app.db.engine import make_engine, make_session_factory
from app.db.migrate import upgrade
from app.db.models import Decision, Team
from app.domain import decisions, home, metrics
from app.domain.export import iter_rows
from app.exporting import write_export

TEAM = "TBENCH"
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
WORDS = ["billing", "queue", "cache", "schema", "hiring", "roadmap", "pricing"]
WORDS += ["vendor", "api", "budget", "design"]


COLUMNS = (
    "team_id", "origin_key", "title", "channel_id", "status", "decider_id", "created_by",
    "created_at", "decided_at", "zone", "outcome", "resolution",
)  # fmt: skip
BATCH = 20_000


def rows(count: int):
    """N decisions: a tenth still open, spread over a year, eight busy deciders and a long tail."""
    rng = random.Random(7)
    deciders = [f"U{n:04d}" for n in range(40)]
    weights = [30, 20, 12, 8, 6, 5, 4, 3] + [1] * 32
    for n in range(count):
        opened = NOW - timedelta(minutes=rng.randrange(365 * 24 * 60))
        is_open = rng.random() < 0.1
        decided = None if is_open else opened + timedelta(minutes=rng.randrange(10, 20000))
        outcome = rng.choice([None, None, "worked", "mixed", "did_not_work"])
        yield (
            TEAM,
            f"bench:{n}",
            f"Pick the {rng.choice(WORDS)} {rng.choice(WORDS)} #{n}",
            f"C{rng.randrange(20):03d}",
            "open" if is_open else "decided",
            rng.choices(deciders, weights)[0],
            rng.choice(deciders),
            opened,
            decided,
            "local",
            outcome if decided else None,
            "Go with the simplest option" if decided else None,
        )


def _naive(value):
    return value.replace(tzinfo=None) if isinstance(value, datetime) else value


def seed(engine, count: int) -> None:
    """COPY on PostgreSQL (a million rows in well under a minute), executemany elsewhere."""
    with engine.begin() as connection:
        connection.execute(insert(Team).values(id=TEAM, domain="bench", created_at=NOW))
        if engine.dialect.name == "postgresql":
            cursor = connection.connection.driver_connection.cursor()
            sql = f"COPY decisions ({', '.join(COLUMNS)}) FROM STDIN"
            with cursor.copy(sql) as copy:
                for row in rows(count):  # timestamp columns hold naive UTC (app.db.types)
                    copy.write_row([_naive(v) for v in row])
            return
        batch = []
        for row in rows(count):
            batch.append(dict(zip(COLUMNS, row, strict=True)))
            if len(batch) == BATCH:
                connection.execute(insert(Decision), batch)
                batch = []
        if batch:
            connection.execute(insert(Decision), batch)


def timed(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    run()  # warm the caches once, as a running bot would have them
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), max(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=100_000)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="deference-bench-")
    url = Settings(database_url=args.database_url or f"sqlite:///{scratch}/bench.db").database_url
    engine = make_engine(url)
    if url.startswith("postgresql"):
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade(engine)
    started = time.perf_counter()
    seed(engine, args.decisions)
    if url.startswith("postgresql"):
        # A live database is vacuumed by autovacuum; after a bulk COPY, do it once so the
        # planner and the visibility map (index-only scans) see the steady state.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    print(
        f"seeded {args.decisions:,} decisions in {time.perf_counter() - started:.1f} s on "
        f"{engine.dialect.name}"
    )
    sessions = make_session_factory(engine)
    month = metrics.Scope(TEAM, since=NOW - timedelta(days=30))
    channel = metrics.Scope(TEAM, "C007", since=NOW - timedelta(days=90))

    def with_session(work):
        def run():
            with sessions() as session:
                return work(session)

        return run

    def export():
        with sessions() as session:
            write_export(iter_rows(session, [TEAM]), "csv", io.StringIO())

    cases = [
        (
            "/decide log billing queue",
            with_session(lambda s: decisions.search_log(s, TEAM, "billing queue")),
        ),
        (
            "/decide log kubernetes (no match)",
            with_session(lambda s: decisions.search_log(s, TEAM, "kubernetes")),
        ),
        ("/decide log (no words)", with_session(lambda s: decisions.search_log(s, TEAM, ""))),
        ("/decide stats team 30d", with_session(lambda s: metrics.dashboard(s, month))),
        ("/decide stats channel 90d", with_session(lambda s: metrics.dashboard(s, channel))),
        ("App Home query", with_session(lambda s: home.home_data(s, TEAM, "U0000", NOW, 14))),
        ("export --format csv", export),
    ]
    print(f"\n| query | median ms | max ms |  ({args.repeat} runs)\n| --- | ---: | ---: |")
    for name, run in cases:
        median, worst = timed(run, 1 if name.startswith("export") else args.repeat)
        print(f"| {name} | {median:,.0f} | {worst:,.0f} |")
    engine.dispose()


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
