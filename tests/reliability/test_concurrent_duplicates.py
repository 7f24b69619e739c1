"""Slack delivers the same request ten times at once (retries racing each other): one effect,
no ERROR line, and nobody is told that nothing was saved."""

from __future__ import annotations

import threading
from collections import Counter

import pytest

from tests.reliability.figures import Figure
from tests.reliability.surfaces import World, rows
from tests.reliability.test_duplicates import CASES

FIGURE = Figure("Every command, click and submission delivered ten times at once")
COPIES = 10
RACED = [c for c in CASES if not c.startswith("open App Home")]


@pytest.fixture(scope="module", autouse=True)
def _record_figures():
    yield
    FIGURE.write()


def told(standin) -> list[str]:
    """Everything the bot said to anyone: responses, ephemerals, DMs, messages."""
    said = [str(c.params) for c in standin.calls() if c.ok]
    return said + [str(r) for r in standin.responses()]


@pytest.mark.parametrize("case", RACED)
def test_ten_at_once_change_state_once(bot, slack, standin, clock, case, errors_logged):
    world = World(bot, slack, standin, clock)
    deliver = CASES[case](world)
    before = rows(bot)
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
    after = rows(bot)
    doubled = {}
    for table, found in after.items():
        new = Counter(row for row in found if row not in before.get(table, []))
        # Rows equal except for their id: the same effect stored twice.
        shapes = Counter(row.split(",", 1)[-1] for row in new.elements())
        if any(n > 1 for n in shapes.values()):
            doubled[table] = [s for s, n in shapes.items() if n > 1]
    assert not doubled, doubled
    false_alarms = [s for s in told(standin)[said_before:] if "nothing was saved" in s]
    assert not false_alarms, false_alarms
    FIGURE.count("one effect, no error")
