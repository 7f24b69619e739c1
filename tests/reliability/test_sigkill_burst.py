"""A real `deference-bot serve` killed with SIGKILL during a burst of declarations from several
threads, then restarted: every decision whose card was posted is in the database, and nothing
is doubled (one decision per request, one card per decision).

CI runs 60 declarations; RELIABILITY_SCALE=full runs the 200 of the promise."""

from __future__ import annotations

import os
import threading
from collections import Counter

import pytest
from sqlalchemy import select

from app import ids
from app.db.engine import make_engine, make_session_factory
from app.db.models import Decision
from app.standin import Workspace
from tests.e2e.conftest import ALICE, BOB, GENERAL, SIGNING_SECRET
from tests.e2e.processes import cli_env, serve
from tests.reliability.figures import Figure

SIZE = 200 if os.environ.get("RELIABILITY_SCALE") == "full" else 60
THREADS = 8


def card_decision(call) -> int:
    """The decision id a posted card belongs to, from its Record resolution button."""
    for block in call.params.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("action_id") == ids.RECORD_RESOLUTION:
                return int(element["value"])
    raise AssertionError("a card without its decision id")


@pytest.mark.slow
def test_sigkill_during_a_burst_loses_and_doubles_nothing(standin, database_url, tmp_path):
    figure = Figure(f"SIGKILL during a burst of {SIZE} declarations, then restart")
    served = serve(cli_env(standin, database_url), tmp_path / "first.log")
    url = served.url
    slack = Workspace(
        standin, bot_url=f"{url}/slack/events", signing_secret=SIGNING_SECRET, timeout=10
    )
    answers: Counter[str] = Counter()

    def burst(start: int) -> None:
        for n in range(start, SIZE, THREADS):
            try:
                answers[
                    f"HTTP {slack.command(ALICE, GENERAL, f'Burst {n} <@{BOB}|b>').status}"
                ] += 1
            except OSError:
                answers["no answer (killed)"] += 1

    threads = [threading.Thread(target=burst, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    standin.wait_for("chat.postMessage", count=SIZE // 3, timeout=60)
    served.kill()
    for thread in threads:
        thread.join(timeout=60)
    served = serve(cli_env(standin, database_url), tmp_path / "second.log")
    url = served.url
    try:
        slack.bot_url = f"{url}/slack/events"
        assert slack.command(ALICE, GENERAL, f"After the restart <@{BOB}|b>").status == 200
        standin.wait_for("chat.postMessage", lambda c: "After the restart" in str(c.params))
    finally:
        served.stop()
    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        stored = {d.id: d for d in session.scalars(select(Decision))}
    engine.dispose()
    cards = [card_decision(c) for c in standin.calls("chat.postMessage") if c.ok]
    figure.tried = SIZE
    for outcome, n in sorted(answers.items()):
        figure.count(outcome, n)
    figure.count("cards posted", len(cards))
    figure.count("decisions stored", len(stored))
    lost = [d for d in cards if d not in stored]
    doubled_cards = [d for d, n in Counter(cards).items() if n > 1]
    doubled = [t for t, n in Counter(d.title for d in stored.values()).items() if n > 1]
    figure.count("cards whose decision was lost", len(lost))
    figure.count("decisions with two cards", len(doubled_cards))
    figure.count("requests stored twice", len(doubled))
    figure.write()
    assert not lost and not doubled_cards and not doubled
    assert answers["no answer (killed)"] > 0 or len(cards) > SIZE // 3, "the kill hit the burst"
