"""How long the similar-decision check takes on a large team.

    python -m bench.similar [--decisions 1000000] [--database-url URL] [--titles varied|scale]

Seeds one team the way bench/scale.py does (its rows: a tenth open, spread over a year), with
each title's key as the bot stores it, then times `find_similar` for a few kinds of new title
and prints a table. Titles:

- `varied` (default): framing ("Pick the", "Should we", …) around two to four content words
  drawn, Zipf-weighted, from a vocabulary of 20,000 made-up words, as a real log's titles vary;
- `scale`: bench/scale.py's own titles, "Pick the <word> <word> #n" over 11 words: every title
  shares its words with a ninth of the table, the worst case for a trigram index.

Benchmarks are not tests: nothing here asserts a duration.
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import tempfile
import time
from datetime import timedelta

from sqlalchemy import insert, inspect, text

from app.config import Settings
from app.db.engine import make_engine, make_session_factory
from app.db.migrate import TITLE_KEY_INDEX, upgrade
from app.db.models import Decision, Team
from app.db.title_key import title_key
from app.domain import similar
from bench.scale import BATCH, COLUMNS, NOW, TEAM, _naive, rows, timed

FRAMES = ["Pick the {}", "Should we {}?", "Which {} for now", "Decide on {}", "{}", "Choose {}"]


def vocabulary(size: int, rng: random.Random) -> list[str]:
    syllables = [c + v for c in "bcdfghjklmnprstvwz" for v in "aeiou"] + ["an", "er", "ol"]
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choices(syllables, k=rng.randint(2, 4))))
    return sorted(words)


def varied_titles(rng: random.Random, words: list[str]):
    weights = itertools.accumulate(1 / (rank + 1) for rank in range(len(words)))  # Zipf
    cumulative = list(weights)
    while True:
        content = " ".join(rng.choices(words, cum_weights=cumulative, k=rng.randint(2, 4)))
        yield rng.choice(FRAMES).format(content)


def seeded_rows(count: int, titles: str):
    """bench/scale.py's rows, titled as asked, each with its key and a card."""
    rng = random.Random(11)
    words = vocabulary(20_000, rng)
    made = varied_titles(rng, words)
    for n, row in enumerate(rows(count)):
        title = next(made) if titles == "varied" else row[2]
        yield (*row[:2], title, *row[3:], title_key(title), f"{n}.000100")


def seed(engine, count: int, titles: str) -> list[str]:
    """COPY on PostgreSQL, executemany elsewhere; returns a sample of the seeded titles."""
    columns = (*COLUMNS, "title_key", "card_ts")
    sample: list[str] = []
    with engine.begin() as connection:
        connection.execute(insert(Team).values(id=TEAM, domain="bench", created_at=NOW))
        batch = []
        cursor = None
        if engine.dialect.name == "postgresql":
            cursor = connection.connection.driver_connection.cursor()
            copy_sql = f"COPY decisions ({', '.join(columns)}) FROM STDIN"
        with cursor.copy(copy_sql) if cursor else _Nothing() as copy:
            for n, row in enumerate(seeded_rows(count, titles)):
                if n % 97_001 == 0:
                    sample.append(row[2])
                if copy is not None:
                    copy.write_row([_naive(v) for v in row])
                    continue
                batch.append(dict(zip(columns, row, strict=True)))
                if len(batch) == BATCH:
                    connection.execute(insert(Decision), batch)
                    batch = []
        if batch:
            connection.execute(insert(Decision), batch)
    return sample


def _seeded(engine) -> bool:
    if not inspect(engine).has_table("decisions"):
        return False
    with engine.connect() as connection:
        return bool(connection.scalar(text("SELECT count(*) FROM decisions")))


def _sample(engine) -> list[str]:
    """The titles `seed` sampled, read back from a table an earlier run seeded."""
    with engine.connect() as connection:
        count = connection.scalar(text("SELECT count(*) FROM decisions"))
        return [
            connection.scalar(
                text("SELECT title FROM decisions ORDER BY id OFFSET :n LIMIT 1"), {"n": n}
            )
            for n in range(0, count, 97_001)
        ]


# The design before migration 0016: the GIN index of 0010 on the decisions table itself.
OLD_INDEX = "ON decisions USING gin (team_id, title_key gin_trgm_ops)"
OLD_QUERY = text(
    "SELECT id, similarity(title_key, :key) AS score FROM decisions"
    " WHERE team_id = :team AND title_key % :key AND (status IN ('open', 'escalated')"
    " OR (status = 'decided' AND decided_at >= :cutoff))"
    " ORDER BY score DESC, id DESC LIMIT :limit"
)


def _find_similar_before(session, title: str, now) -> list:
    key = title_key(title)
    session.execute(
        text("SELECT set_config('pg_trgm.similarity_threshold', :t, true)"),
        {"t": str(similar.THRESHOLD)},
    )
    cutoff = _naive(now - similar.WINDOW)
    found = session.execute(
        OLD_QUERY, {"key": key, "team": TEAM, "cutoff": cutoff, "limit": similar.SHOWN}
    )
    return found.all()


def sample_ms(run) -> float:
    started = time.perf_counter()
    run()
    return (time.perf_counter() - started) * 1000


class _Nothing:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--titles", choices=["varied", "scale"], default="varied")
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument(
        "--compare",
        action="store_true",
        help="PostgreSQL: time the design before migration 0016 too, taking turns",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="keep the decisions seeded by an earlier run"
    )
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="deference-bench-")
    url = Settings(database_url=args.database_url or f"sqlite:///{scratch}/bench.db").database_url
    engine = make_engine(url)
    reuse = args.reuse and _seeded(engine)
    if url.startswith("postgresql") and not reuse:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade(engine)
    started = time.perf_counter()
    sample = seed(engine, args.decisions, args.titles) if not reuse else _sample(engine)
    if url.startswith("postgresql"):
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    print(
        f"seeded {args.decisions:,} decisions ({args.titles} titles) in "
        f"{time.perf_counter() - started:.1f} s on {engine.dialect.name}"
    )
    sessions = make_session_factory(engine)
    now = NOW + timedelta(minutes=1)
    existing = sample[len(sample) // 2]
    cases = [
        (f"exact title of a seeded decision: {existing!r}", existing),
        (f"the same reworded: {'Which ' + title_key(existing) + ' do we use?'!r}", None),
        ("a title like nothing seeded: 'Renew the office lease in Lisbon'", None),
        ("one short common word: 'Pick the api'", "Pick the api"),
    ]
    compare = args.compare and url.startswith("postgresql")
    if compare:
        with engine.begin() as connection:
            connection.execute(text(f"CREATE INDEX IF NOT EXISTS {TITLE_KEY_INDEX} {OLD_INDEX}"))
            connection.execute(text("ANALYZE decisions"))
    old = " | before (0010) median ms | max ms" if compare else ""
    print(f"\n| new title | found | median ms | max ms{old} |  ({args.repeat} runs each)")
    print("| --- | ---: | ---: | ---:" + (" | ---: | ---:" if compare else "") + " |")
    for name, title in cases:
        title = title or name.split(": ", 1)[1].strip("'\"")

        def check(title=title):
            with sessions() as session:
                return similar.find_similar(session, TEAM, title, now)

        def check_before(title=title):
            with sessions() as session:
                return _find_similar_before(session, title, now)

        found = len(check())
        if compare:  # the two designs take turns, so both see the same load
            assert len(check_before()) == found, "the two designs disagree"
            samples = [sample_ms(run) for _ in range(args.repeat) for run in (check, check_before)]
            new, before = samples[0::2], samples[1::2]
            print(
                f"| {name} | {found} | {statistics.median(new):,.1f} | {max(new):,.1f}"
                f" | {statistics.median(before):,.1f} | {max(before):,.1f} |"
            )
            continue
        median, worst = timed(check, args.repeat)
        print(f"| {name} | {found} | {median:,.1f} | {worst:,.1f} |")
    engine.dispose()


if __name__ == "__main__":
    main()
