"""An attacker with the database file, the DEBUG log and the member list tries to name the author
of each anonymous retro answer, anonymous poll ballot and misuse report.

The flows run through the real `deference-bot serve` with LOG_LEVEL=DEBUG, several members
acting in an order the test knows. The attacker then gets only the database, the log and the
member list, and tries everything it can: sha256 and HMAC of every plausible join of team,
post, poll, user and view ids (with every key-like string found anywhere in the database or
the log), row order aligned with the order members show up in the log, and row times aligned
with log times. It must never be certain of an author, and its best matching must do no better
than a random guess (a random permutation matches one item per kind on average).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import random
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import column, create_engine, func, inspect, select, table, text, update

from app import ids
from app.standin import Workspace
from tests.e2e.conftest import ALICE, BOB, CAROL, GENERAL, SIGNING_SECRET
from tests.e2e.processes import cli_env, serve
from tests.reliability.figures import Figure

ADMIN = "U0ADMIN"
OTHERS = ["U0DAVE", "U0ERIN", "U0FRANK", "U0GRACE", "U0HEIDI", "U0IVAN", "U0JUDY", "U0KARL"]
MEMBERS = [ALICE, BOB, CAROL, *OTHERS]
KINDS = ("retro answer", "ballot", "report")
# A random permutation of n items matches 1 of them on average, whatever n is; over the three
# kinds that is 3. The margin keeps a chance failure below 1 in 1000 (Poisson(3) tail).
CHANCE, MARGIN = 3, 7


@dataclass
class Truth:
    """Who wrote what, known only to the test."""

    answers: dict[str, str] = field(default_factory=dict)  # answer text -> author
    ballots: dict[int, str] = field(default_factory=dict)  # rating -> voter
    reports: dict[str, str] = field(default_factory=dict)  # report text -> reporter
    secrets: set[str] = field(default_factory=set)  # every key that existed while open


def utc_now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
def members(standin):
    standin.add_user(ADMIN, "admin", is_admin=True)
    for user in OTHERS:
        standin.add_user(user, user[2:].lower())
    return MEMBERS


def run_flows(standin, database_url: str, log: Path) -> Truth:
    """A retro, an anonymous poll and reports, through `serve`, members in a shuffled order."""
    env = cli_env(standin, database_url) | {"LOG_LEVEL": "DEBUG", "SCHEDULER_SWEEP_SECONDS": "1"}
    served = serve(env, log)
    slack = Workspace(standin, bot_url=f"{served.url}/slack/events", signing_secret=SIGNING_SECRET)
    engine = create_engine(database_url)
    truth = Truth()
    order = random.Random(13).sample(MEMBERS, len(MEMBERS))
    try:

        def command(user: str, words: str) -> None:
            assert slack.command(user, GENERAL, words).status == 200

        command(ADMIN, f"steward <@{BOB}|bob>")
        slot = utc_now() - timedelta(minutes=2)
        day = slot.strftime("%a").lower()
        command(ALICE, f"retro every 1w {day} {slot:%H:%M} UTC")
        wait_until(lambda: count(engine, "channel_schedules") == 1, "the schedule is stored")
        with engine.begin() as connection:  # as if the schedule had been set an hour ago
            schedules = table("channel_schedules", column("updated_at"))
            connection.execute(update(schedules).values(updated_at=slot - timedelta(hours=1)))
        retro = standin.wait_for(
            "chat.postMessage",
            lambda c: str(c.params.get("text", "")).startswith("Retro"),
            timeout=20,
        )[0]
        retro_message = {"ts": retro.response["ts"], **retro.params}
        command(ALICE, "poll Pick the cache --anonymous --closes 14d")
        poll_call = standin.wait_for("chat.postMessage", lambda c: ids.POLL_RATE in str(c.params))
        poll = {"ts": poll_call[0].response["ts"], **poll_call[0].params}

        # The server runs on the real clock; answers are spaced out in real time on purpose, so
        # that any time a stored row kept would line up with one author's log lines.
        for n, user in enumerate(order):
            assert slack.click(user, ids.RETRO_ANSWER, message=retro_message).status == 200
            view = wait_view(standin, user, ids.RETRO_VIEW)
            answer = f"retro answer {n * 7919 % 1000:03d} {random.Random(n).random():.6f}"
            reply = slack.submit(user, view, {"pressured": {ids.VALUE: answer}})
            assert reply.status == 200, reply.body
            truth.answers[answer] = user
            time.sleep(0.05)
        voters = [u for u in order if u != ALICE][:5]
        for rating, user in zip(random.Random(7).sample(range(1, 6), 5), voters, strict=True):
            current = next(m for m in standin.messages(GENERAL) if m["ts"] == poll["ts"])
            assert slack.click(user, f"{ids.POLL_RATE}{rating}", message=current).status == 200
            truth.ballots[rating] = user
            time.sleep(0.3)
        for n, user in enumerate([u for u in order if u != BOB][:4]):  # BOB is the steward
            command(user, "feedback")
            view = wait_view(standin, user, ids.FEEDBACK_VIEW)
            report = f"report number {n} {random.Random(99 + n).random():.6f}"
            values = {
                ids.FEEDBACK_KIND: {ids.VALUE: "pressure"},
                ids.FEEDBACK_TEXT: {ids.VALUE: report},
            }
            assert slack.submit(user, view, values).status == 200
            truth.reports[report] = user
            time.sleep(0.05)
        standin.wait_for("chat.postMessage", lambda c: c.params.get("channel") == BOB, count=4)
        truth.secrets = secrets_while_open(engine)
        current = next(m for m in standin.messages(GENERAL) if m["ts"] == poll["ts"])
        assert slack.click(ALICE, ids.POLL_CLOSE, message=current).status == 200
        wait_until(lambda: poll_closed(engine), "the poll closes")
        close_retro(engine)
    finally:
        served.stop()
        engine.dispose()
    return truth


def secrets_while_open(engine) -> set[str]:
    """The keys in the database while the flows are open (the test looks; the attacker cannot)."""
    with engine.connect() as connection:
        found = set(connection.execute(text("SELECT salt FROM expertise_polls")).scalars())
        if "anonymity_keys" in inspect(connection).get_table_names():
            found |= set(connection.execute(text("SELECT secret FROM anonymity_keys")).scalars())
    return {s for s in found if s}


def wait_view(standin, user: str, callback_id: str) -> dict:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        view = standin.latest_view(user)
        if view is not None and view.get("callback_id") == callback_id:
            return view
        time.sleep(0.02)  # another process's listener, with a deadline
    raise AssertionError(f"no {callback_id} view for {user}")


def wait_until(done, what: str, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if done():
            return
        time.sleep(0.1)  # the server's scheduler, with a deadline
    raise AssertionError(f"timed out waiting until {what}")


def count(engine, name: str) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table(name))).scalar()


def poll_closed(engine) -> bool:
    with engine.connect() as connection:
        return connection.execute(text("SELECT status FROM expertise_polls")).scalar() == "closed"


def close_retro(engine) -> None:
    """Let the retro's answering time run out (its key's expiry moved into the past), and wait
    for `serve`'s sweep to close it."""
    with engine.begin() as connection:
        if "anonymity_keys" not in inspect(connection).get_table_names():
            return  # a schema without keys that expire has nothing to close
        connection.execute(
            text("UPDATE anonymity_keys SET expires_at = :t"), {"t": utc_now() - timedelta(days=1)}
        )

    def closed() -> bool:
        with engine.connect() as connection:
            return not connection.execute(
                text("SELECT count(*) FROM anonymity_keys WHERE scope LIKE 'retro%'")
            ).scalar()

    wait_until(closed, "the retro closes")


# ---------------------------------------------------------------- the attacker


class Attacker:
    """Holds the database rows, the log text and the member list; nothing else."""

    def __init__(self, database_url: str, log: str, members: list[str], raw: bytes) -> None:
        self.log = log
        self.members = members
        engine = create_engine(database_url)
        self.tables: dict[str, list[dict]] = {}
        with engine.connect() as connection:
            for name in inspect(connection).get_table_names():
                cols = [c["name"] for c in inspect(connection).get_columns(name)]
                rows = connection.execute(
                    select(*[column(c) for c in cols]).select_from(table(name))
                )
                self.tables[name] = [dict(zip(cols, row, strict=True)) for row in rows]
        engine.dispose()
        everything = log + repr(self.tables) + raw.decode("latin-1")
        cells = [v for rows in self.tables.values() for r in rows for v in r.values()]
        words = {v for v in cells if isinstance(v, str) and len(v) >= 16 and " " not in v}
        hexes = set(re.findall(r"(?<![0-9a-f])[0-9a-f]{32,128}(?![0-9a-f])", everything))
        self.keys = {w.encode() for w in words | hexes} | {
            bytes.fromhex(h) for h in words | hexes if len(h) % 2 == 0 and _is_hex(h)
        }
        self.views = set(re.findall(r"\bV[0-9A-Z]{6,}\b", everything))
        self.users = set(members) | set(re.findall(r"\bU0[0-9A-Z]+\b", everything))
        teams = set(re.findall(r"\bT[0-9A-Z]{3,}\b", everything))
        parents = {
            str(r["id"])
            for name in ("scheduled_posts", "expertise_polls", "decisions")
            for r in self.tables.get(name, [])
        }
        self.contexts = sorted(teams | parents | set(_LITERALS))
        self.tokens = sorted(set(self.contexts) | self.users | self.views)

    # Hashes of every plausible join ---------------------------------------------------
    def hashed_names(self, hashes: set[str]) -> dict[str, str]:
        """hash -> the join it was made from, for every hash the attacker could reproduce."""
        found: dict[str, str] = {}
        if not hashes:
            return found
        people_or_views = sorted(self.users | self.views)
        joins = set(people_or_views)
        for a, who in itertools.product(self.tokens, people_or_views):
            joins |= {f"{a}:{who}", f"{who}:{a}"}
        for a, b, who in itertools.product(self.contexts, self.contexts, people_or_views):
            joins.add(f"{a}:{b}:{who}")
        encoded = [(join, join.encode()) for join in joins]
        for join, data in encoded:
            digest = hashlib.sha256(data).hexdigest()
            if digest in hashes:
                found[digest] = join
        for key in self.keys - {b""}:
            for join, data in encoded:
                digest = hmac.digest(key, data, "sha256").hex()
                if digest in hashes:
                    found[digest] = join
        return found

    def author_of_join(self, join: str) -> tuple[str | None, bool]:
        """(author, certain): a user in the join; or for a view id in the join, a member on the
        same log line (certain), else the member named last before the view id shows up."""
        lines = self.log.splitlines()
        for part in join.split(":"):
            if part in self.members:
                return part, True
            if part in self.views:
                last = None
                for line in lines:
                    named = [u for u in self.members if u in line]
                    if part in line:
                        return (named[0], True) if named else (last, False)
                    last = named[-1] if named else last
        return None, False

    # Order and time ---------------------------------------------------------------------
    def log_order(self, marker: str) -> list[str]:
        """Members in the order they first show up on log lines that mention `marker`."""
        seen: list[str] = []
        for line in self.log.splitlines():
            if marker in line:
                for user in re.findall(r"U0[0-9A-Z]+", line):
                    if user in self.members and user not in seen:
                        seen.append(user)
        rest = [u for u in self.members if u not in seen]
        return seen + rest

    def log_times(self) -> list[tuple[datetime, str]]:
        """(time, member) for every log line naming a member."""
        found = []
        for line in self.log.splitlines():
            stamp = re.match(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3})", line)
            if stamp:
                at = datetime.strptime(stamp.group(1), "%Y-%m-%d %H:%M:%S,%f")
                found += [(at, u) for u in re.findall(r"U0[0-9A-Z]+", line) if u in self.members]
        return found


def _is_hex(value: str) -> bool:
    return re.fullmatch(r"[0-9a-f]+", value) is not None


_LITERALS = ("feedback", "retro", "poll", "overlooked", "pressured", "vote", "answer", "report")


def guess(
    attacker: Attacker, rows: list[dict], key_columns: list[str], marker: str, respondents=None
):
    """(certain, guessed): row index -> member, by hashes first, then order and time."""
    certain: dict[int, str] = {}
    guessed: dict[int, str] = {}
    hashes = {str(r[c]) for r in rows for c in key_columns if r.get(c)}
    hashes |= {str(r["respondent_key"]) for r in respondents or [] if r.get("respondent_key")}
    names = attacker.hashed_names(hashes)
    for i, row in enumerate(rows):
        for c in key_columns:
            join = names.get(str(row.get(c)))
            who, sure = attacker.author_of_join(join) if join else (None, False)
            if who:
                (certain if sure else guessed)[i] = who
    by_id = sorted(range(len(rows)), key=lambda i: rows[i]["id"])
    order = attacker.log_order(marker)
    named_respondents = 0
    if respondents:  # respondents named by their keys, in id order: line up with answers
        keys = [(r["id"], names.get(str(r["respondent_key"]), "")) for r in respondents]
        ordered = [attacker.author_of_join(join)[0] for _, join in sorted(keys)]
        named_respondents = sum(1 for who in ordered if who)
        if named_respondents == len(rows):  # the strongest evidence: it replaces the rest
            guessed = {i: ordered[k] for k, i in enumerate(by_id)}
    for k, i in enumerate(by_id):
        guessed.setdefault(i, order[k % len(order)])
    times = attacker.log_times()
    for i, row in enumerate(rows):
        at = row.get("updated_at")
        if isinstance(at, str):
            at = datetime.fromisoformat(at)
        if isinstance(at, datetime) and at.microsecond and times:
            at = at.replace(tzinfo=None)
            guessed[i] = min(times, key=lambda t: abs((t[0] - at).total_seconds()))[1]
    guessed.update(certain)
    return certain, guessed, named_respondents


def test_an_attacker_with_database_log_and_members_names_no_author(
    standin, database_url, members, tmp_path
):
    figure = Figure("Re-identification attack on anonymous answers, ballots and reports")
    log_path = tmp_path / "serve.log"
    truth = run_flows(standin, database_url, log_path)
    log = log_path.read_text()
    assert "DEBUG" in log, "the log was captured at DEBUG"
    raw = b""
    if database_url.startswith("sqlite"):
        path = Path(database_url.split("///")[1])
        raw = b"".join(p.read_bytes() for p in path.parent.glob(f"{path.name}*"))
    attacker = Attacker(database_url, log, members, raw)
    leftover = [
        k for k in truth.secrets if k in log or k.encode() in raw or k in repr(attacker.tables)
    ]
    figure.count("keys left after closing (database, file bytes, log)", len(leftover))
    tables = attacker.tables

    answers = [r for r in tables["retro_answers"]]
    ballots = [r for r in tables["poll_votes"]]
    reports = [r for r in tables["feedback_reports"]]
    assert len(answers) == len(truth.answers) and len(ballots) == 5 and len(reports) == 4
    cases = {
        "retro answer": (
            answers,
            [truth.answers[r["text"]] for r in answers],
            ["dedupe_key"],
            "retro",
            tables.get("retro_respondents"),
        ),
        "ballot": (
            ballots,
            [truth.ballots[r["rating"]] for r in ballots],
            ["voter_key"],
            "poll",
            None,
        ),
        "report": (
            reports,
            [truth.reports[r["text"]] for r in reports],
            ["dedupe_key"],
            "feedback",
            None,
        ),
    }
    total = 0
    certain_right = 0
    respondents_named = 0
    for kind, (rows, authors, keys, marker, respondents) in cases.items():
        certain, guessed, named = guess(attacker, rows, keys, marker, respondents)
        figure.count("respondents named", named)
        respondents_named += named
        right = sum(guessed.get(i) == a for i, a in enumerate(authors))
        sure = sum(certain.get(i) == a for i, a in enumerate(authors))
        figure.tried += len(rows)
        figure.count(f"{kind}s named correctly (of {len(rows)})", right)
        figure.count(f"{kind}s named with certainty", sure)
        total += right
        certain_right += sure
    pairs = [*truth.answers.items(), *truth.reports.items()]
    paired = [  # nothing anywhere pairs an author with their anonymous text
        f"{name}: {author}"
        for name, rows in tables.items()
        for row in rows
        for text_, author in pairs
        if text_ in " ".join(map(str, row.values())) and author in " ".join(map(str, row.values()))
    ] + [
        f"log: {author}"
        for line in log.splitlines()
        for text_, author in pairs
        if text_ in line and author in line
    ]
    figure.count("rows or log lines pairing text and author", len(paired))
    figure.count("correct matches, all kinds", total)
    figure.count("a random guess's expected matches", CHANCE)
    figure.write()
    assert not paired, paired
    assert truth.secrets, "the open flows had keys"
    assert not leftover, "a destroyed key can still be read"
    assert respondents_named == 0, f"who answered is readable: {figure.outcomes}"
    assert certain_right == 0, f"{certain_right} authors named with certainty: {figure.outcomes}"
    assert total <= CHANCE + MARGIN, f"better than chance: {figure.outcomes}"
