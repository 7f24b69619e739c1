"""How the log, export, stats and Home queries hold up on a large team.

    python -m bench.scale [--decisions 100000] [--database-url URL]

Seeds one team with N decisions (a tenth still open, spread over a year, eight deciders and a
long tail; two in five in a charter domain, one in ten with a poll's expert, one in five with a
forecast), a poll on one decision in ten (three ballots each, one poll in five anonymous) and a
consensus check on one in fifty, into a fresh database, then times each query a few times and
prints a table. Benchmarks are not tests: nothing here asserts a duration.
"""

from __future__ import annotations

import argparse
import io
import itertools
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial

from sqlalchemy import insert, text

from app.blocks.home import build_home_tab
from app.config import Settings
from app.db import counts
from app.db.engine import make_engine, make_session_factory
from app.db.migrate import upgrade
from app.db.models import ConsensusCheck, ConsensusVote, Decision, ExpertisePoll, PollVote, Team
from app.db.side_reads import SideReads, side_reads_for
from app.domain import alignment, calibration, decisions, figures, home, metrics, participation
from app.domain.export import iter_rows
from app.domain.team_cache import TeamCache
from app.exporting import write_export

TEAM = "TBENCH"
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
WORDS = ["billing", "queue", "cache", "schema", "hiring", "roadmap", "pricing"]
WORDS += ["vendor", "api", "budget", "design"]


COLUMNS = (
    "team_id", "origin_key", "title", "channel_id", "status", "decider_id", "created_by",
    "created_at", "decided_at", "zone", "outcome", "resolution", "domain",
    "charter_authority_id", "poll_expert_id", "forecast_confidence", "forecast_by",
    "forecast_shared",
)  # fmt: skip
POLL_COLUMNS = (
    "team_id", "decision_id", "origin_key", "channel_id", "opened_by", "anonymous",
    "min_responses", "closes_at", "closed_at", "status", "created_at", "responses",
)  # fmt: skip
VOTE_COLUMNS = ("id", "team_id", "poll_id", "voter_key", "rating", "nominee_id", "updated_at")
CHECK_COLUMNS = (
    "team_id", "decision_id", "origin_key", "decider_id", "status", "asked_by", "created_at",
)  # fmt: skip
CHECK_VOTE_COLUMNS = ("team_id", "check_id", "user_id", "agree", "at")
DOMAINS = ["design", "architecture", "hiring", "pricing", "security", "ops"]
BATCH = 20_000


DECIDERS = [f"U{n:04d}" for n in range(40)]


def rows(count: int):
    """N decisions: a tenth still open, spread over a year, eight busy deciders and a long tail.
    Two in five sit in a charter domain (decided by its authority seven times in ten), one in
    ten has a poll's expert, one decided in five a forecast (half of them shared)."""
    rng = random.Random(7)
    deciders = DECIDERS
    weights = [30, 20, 12, 8, 6, 5, 4, 3] + [1] * 32
    for n in range(count):
        opened = NOW - timedelta(minutes=rng.randrange(365 * 24 * 60))
        is_open = rng.random() < 0.1
        decided = None if is_open else opened + timedelta(minutes=rng.randrange(10, 20000))
        outcome = rng.choice([None, None, "worked", "mixed", "did_not_work"])
        decider = rng.choices(deciders, weights)[0]
        domain = rng.choice(DOMAINS) if rng.random() < 0.4 else None
        authority = deciders[DOMAINS.index(domain)] if domain else None
        if authority and rng.random() < 0.7:
            decider = authority
        expert = rng.choice(deciders[:12]) if rng.random() < 0.1 else None
        forecast = decided is not None and rng.random() < 0.2
        yield (
            TEAM,
            f"bench:{n}",
            f"Pick the {rng.choice(WORDS)} {rng.choice(WORDS)} #{n}",
            f"C{rng.randrange(20):03d}",
            "open" if is_open else "decided",
            decider,
            rng.choice(deciders),
            opened,
            decided,
            "local",
            outcome if decided else None,
            "Go with the simplest option" if decided else None,
            domain,
            authority if decided else None,
            expert if decided else None,
            rng.randrange(50, 100) if forecast else None,
            decider if forecast else None,
            forecast and rng.random() < 0.5,
        )


BALLOTS = 3  # each poll's, stored on the closed poll as closing stores it (migration 0019)


def poll_rows(count: int):
    """A poll on one decision in ten (ids 10, 20, ...), one in five anonymous, each with three
    ballots; and a consensus check on one in fifty with two answers. Yields (table, row)."""
    rng = random.Random(11)
    for n, decision_id in enumerate(range(10, count + 1, 10), start=1):
        opened = NOW - timedelta(minutes=rng.randrange(365 * 24 * 60))
        anonymous = rng.random() < 0.2
        channel = f"C{rng.randrange(20):03d}"
        yield "poll", (
            TEAM, decision_id, f"poll:{n}", channel, rng.choice(DECIDERS), anonymous, 1,
            opened + timedelta(days=1), opened + timedelta(days=1), "closed", opened, BALLOTS,
        )  # fmt: skip
        for voter in rng.sample(DECIDERS, BALLOTS):
            key = f"{n:x}{voter}" if anonymous else voter
            yield "vote", (
                rng.getrandbits(52), TEAM, n, key, rng.randrange(1, 6),
                rng.choice(DECIDERS[:12]) if rng.random() < 0.5 else None, opened,
            )  # fmt: skip
        if n % 5 == 0:
            yield "check", (TEAM, decision_id, f"check:{n}", rng.choice(DECIDERS), "open",
                            rng.choice(DECIDERS), opened)  # fmt: skip
            for voter in rng.sample(DECIDERS, 2):
                yield "check_vote", (TEAM, n // 5, voter, True, opened)


def _naive(value):
    return value.replace(tzinfo=None) if isinstance(value, datetime) else value


TABLES = {
    "decision": (Decision, COLUMNS),
    "poll": (ExpertisePoll, POLL_COLUMNS),
    "vote": (PollVote, VOTE_COLUMNS),
    "check": (ConsensusCheck, CHECK_COLUMNS),
    "check_vote": (ConsensusVote, CHECK_VOTE_COLUMNS),
}


def seed(engine, count: int) -> None:
    """COPY on PostgreSQL (a million rows in well under a minute), executemany elsewhere. The
    decisions' running totals (app/db/counts.py) are rebuilt once after a COPY rather than
    followed row by row by their trigger, as a migration does for existing decisions."""
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as connection:
        connection.execute(insert(Team).values(id=TEAM, domain="bench", created_at=NOW))
        if postgres:
            connection.execute(text(f"ALTER TABLE decisions DISABLE TRIGGER {counts.FUNCTION}"))
        _load(connection, engine.dialect.name, (("decision", row) for row in rows(count)))
        if postgres:
            connection.execute(text(f"ALTER TABLE decisions ENABLE TRIGGER {counts.FUNCTION}"))
            counts.rebuild(connection)
        _load(connection, engine.dialect.name, poll_rows(count))


def _load(connection, dialect: str, tagged) -> None:
    """Rows tagged with their table, in an order that keeps parents before children."""
    by_table: dict[str, list] = {}

    def flush() -> None:
        for table in TABLES:  # parents first: a ballot's poll is written before it
            if by_table.get(table):
                _write(connection, dialect, table, by_table.pop(table))

    for table, row in tagged:
        by_table.setdefault(table, []).append(row)
        if len(by_table[table]) == BATCH:
            flush()
    flush()


def _write(connection, dialect: str, table: str, batch: list) -> None:
    model, columns = TABLES[table]
    if dialect == "postgresql":
        cursor = connection.connection.driver_connection.cursor()
        sql = f"COPY {model.__tablename__} ({', '.join(columns)}) FROM STDIN"
        with cursor.copy(sql) as copy:
            for row in batch:  # timestamp columns hold naive UTC (app.db.types)
                copy.write_row([_naive(v) for v in row])
        return
    connection.execute(insert(model), [dict(zip(columns, row, strict=True)) for row in batch])


def timed(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    return timed_in_turn([run], repeat)[0]


def timed_in_turn(runs: list[Callable[[], object]], repeat: int) -> list[tuple[float, float]]:
    """(median, max) ms of each run, timed in rounds of one of each, the order reversed every
    other round: on a shared machine a busy spell then falls on all of them alike, so the same
    query with and without side reads compares within one table."""
    for run in runs:
        run()  # warm the caches once, as a running bot would have them
    samples: list[list[float]] = [[] for _ in runs]
    for round_ in range(repeat):
        order = list(enumerate(runs))
        for n, run in order if round_ % 2 == 0 else reversed(order):
            started = time.perf_counter()
            run()
            samples[n].append((time.perf_counter() - started) * 1000)
    return [(statistics.median(each), max(each)) for each in samples]


def stats(session, scope, cache=None, viewer="U0001", side=None):
    """What `/decide stats` reads: the dashboard, then the insight figures beside it (with
    `side`, side by side: app.db.side_reads)."""
    key = ("stats", scope.channel_id, (NOW - scope.since).days)
    found = figures.shared_figures(session, scope, NOW, cache, key, side=side)
    return found.board, found.insight_for(viewer)


def aligned(session, scope):
    return alignment.alignment(session, scope)


def scored(session, scope):
    return calibration.calibrations(session, scope, viewer="U0001")


def voices(session, scope):
    """As stats calls it: who decides comes from the dashboard it has already read."""
    return participation.participation(session, scope, decided={})


def home_tab(session, cache=None, viewer="U0000", side=None):
    """What opening Home costs: the domain assembles it, blocks draw it."""
    return build_home_tab(home.home_for(session, TEAM, viewer, NOW, 14, cache=cache, side=side))


Case = tuple[str, Callable[[], object]]


def cases(sessions, side: SideReads | None = None) -> list[list[Case]]:
    """(name, run) of each timed query, in groups timed in turn (`timed_in_turn`): with `side`
    (PostgreSQL), a team's first stats and first Home beside the same read side by side."""
    month = metrics.Scope(TEAM, since=NOW - timedelta(days=30))
    channel = metrics.Scope(TEAM, "C007", since=NOW - timedelta(days=90))

    def with_session(work):
        def run():
            with sessions() as session:
                return work(session)

        return run

    shared = TeamCache(ttl=timedelta(days=1))  # the bench's clock stands still: no expiry
    viewers = (f"U{n:04d}" for n in itertools.count())

    def stats_shared(session, scope):
        """Another person asks for the same figures while they are cached."""
        return stats(session, scope, shared, next(viewers))

    def home_tab_shared(session):
        """Another person of the team opens Home while the team's view is cached."""
        return home_tab(session, shared, next(viewers))

    def export():
        with sessions() as session:
            write_export(iter_rows(session, [TEAM]), "csv", io.StringIO())

    def alone(name: str, work) -> list[Case]:
        return [(name, with_session(work))]

    def twins(name: str, work) -> list[Case]:
        """The row, and with side reads the same work side by side, timed in turn."""
        if side is None:
            return alone(name, work)
        return [
            *alone(name, work),
            (f"{name}, side by side", with_session(partial(work, side=side))),
        ]

    log = decisions.search_log
    return [
        alone("/decide log billing queue", lambda s: log(s, TEAM, "billing queue")),
        alone("/decide log kubernetes (no match)", lambda s: log(s, TEAM, "kubernetes")),
        alone("/decide log (no words)", lambda s: log(s, TEAM, "")),
        twins("/decide stats team 30d", partial(stats, scope=month)),
        alone("/decide stats channel 90d", lambda s: stats(s, channel)),
        alone("/decide stats team 30d, figures cached", lambda s: stats_shared(s, month)),
        alone("  of which: dashboard team 30d", lambda s: metrics.dashboard(s, month)),
        alone("  of which: shadow authority team 30d", lambda s: aligned(s, month)),
        alone("  of which: calibration team 30d", lambda s: scored(s, month)),
        alone("  of which: participation team 30d", lambda s: voices(s, month)),
        twins("App Home tab, first open in the team", home_tab),
        alone("App Home tab, the team's view cached", home_tab_shared),
        alone("  of which: lists", lambda s: home.home_data(s, TEAM, "U0000", NOW, 14)),
        alone("  of which: team view", lambda s: home.team_view(s, TEAM, NOW)),
        [("export --format csv", export)],
    ]


def prepare(engine, url: str, count: int) -> None:
    """A fresh schema holding the seeded team."""
    if url.startswith("postgresql"):
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade(engine)
    started = time.perf_counter()
    seed(engine, count)
    if url.startswith("postgresql"):
        # A live database is vacuumed by autovacuum; after a bulk COPY, do it once so the
        # planner and the visibility map (index-only scans) see the steady state.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    took = time.perf_counter() - started
    print(f"seeded {count:,} decisions in {took:.1f} s on {engine.dialect.name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=100_000)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--no-seed",
        action="store_true",
        help="time the database --database-url names as an earlier run left it (no re-seeding)",
    )
    parser.add_argument("--skip-export", action="store_true", help="leave out the export row")
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="deference-bench-")
    url = Settings(database_url=args.database_url or f"sqlite:///{scratch}/bench.db").database_url
    engine = make_engine(url)
    if not args.no_seed:
        prepare(engine, url, args.decisions)
    sessions = make_session_factory(engine)
    side = side_reads_for(url)  # PostgreSQL: the stats and Home rows again, side by side
    print(f"\n| query | median ms | max ms |  ({args.repeat} runs)\n| --- | ---: | ---: |")
    for group in cases(sessions, side):
        if args.skip_export and group[0][0].startswith("export"):
            continue
        repeat = 1 if group[0][0].startswith("export") else args.repeat
        for (name, _), (median, worst) in zip(
            group, timed_in_turn([run for _, run in group], repeat), strict=True
        ):
            print(f"| {name} | {median:,.0f} | {worst:,.0f} |")
    if side is not None:
        side.close()
    engine.dispose()


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
