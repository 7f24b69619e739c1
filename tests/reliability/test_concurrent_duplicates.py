"""Slack delivers the same request ten times at once (retries racing each other): one effect,
no ERROR line, and nobody is told that nothing was saved."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from sqlalchemy import inspect, select

from app.db.models import Base
from tests.reliability.figures import Figure
from tests.reliability.surfaces import World
from tests.reliability.test_duplicates import CASES

FIGURE = Figure("Every command, click and submission delivered ten times at once")
COPIES = 10
RACED = {name: case for name, case in CASES.items() if not name.startswith("open App Home")}


@pytest.fixture(scope="module", autouse=True)
def _record_figures():
    yield
    FIGURE.write()


def shapes(bot) -> dict[str, Counter]:
    """Every row of every table without its id: the same effect stored twice shows as a count
    of two."""
    found = {}
    with bot.sessions() as session:
        for name in inspect(session.get_bind()).get_table_names():
            table = Base.metadata.tables.get(name)
            if table is None:
                continue
            columns = [c for c in table.columns if c.name != "id"]
            found[name] = Counter(map(repr, session.execute(select(*columns)).all()))
    return found


def told(standin) -> list[str]:
    """Everything the bot said to anyone: responses, ephemerals, DMs, messages."""
    said = [str(c.params) for c in standin.calls() if c.ok]
    return said + [str(r) for r in standin.responses()]


@pytest.mark.parametrize("case", list(RACED))
def test_ten_at_once_change_state_once(bot, slack, standin, clock, case, errors_logged):
    world = World(bot, slack, standin, clock)
    deliver = RACED[case](world)
    before = shapes(bot)
    said_before = len(told(standin))
    replies = []
    start = threading.Barrier(COPIES)

    def one() -> None:
        start.wait()
        replies.append(deliver())

    threads = [threading.Thread(target=one) for _ in range(COPIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    bot.settle()
    FIGURE.tried += 1
    assert len(replies) == COPIES and all(r.status == 200 for r in replies), [
        (r.status, r.body[:200]) for r in replies
    ]
    after = shapes(bot)
    doubled = {
        table: [row for row, n in (after[table] - before[table]).items() if n > 1]
        for table in after
    }
    doubled = {table: found for table, found in doubled.items() if found}
    assert any(after[t] - before[t] for t in after), "the deliveries should change something"
    assert not doubled, doubled
    false_alarms = [s for s in told(standin)[said_before:] if "nothing was saved" in s]
    assert not false_alarms, false_alarms
    FIGURE.count("one effect, no error")
