"""The composition root hands the side reads (app.db.side_reads) to the listeners that read
figures: on PostgreSQL `/decide stats` and the Home tab read them side by side on the side
reads' own connections; on SQLite there are none and they read in turn, as before."""

from __future__ import annotations

import json
import threading

from sqlalchemy import event

from tests.e2e.conftest import ALICE, BOB, GENERAL
from tests.listeners.helpers import declare


def test_stats_and_home_read_side_by_side_on_postgresql(runtime, slack, standin, errors_logged):
    side = runtime.deps.side_reads
    if runtime.settings.database_url.startswith("sqlite"):
        assert side is None  # SQLite: figures read in turn in the handler's session
        return
    assert side is not None
    threads: list[str] = []
    event.listen(
        side.engine,
        "before_cursor_execute",
        lambda *_: threads.append(threading.current_thread().name),
    )
    declare(slack, "Pick the queue <@U0BOB|bob>")
    assert threads == []  # declaring reads no figures

    assert slack.command(ALICE, GENERAL, "stats team").status == 200
    [answer] = standin.responses(ALICE)
    assert "*Decisions opened:* 1" in json.dumps(answer["payload"]["blocks"])
    from_stats = len(threads)
    assert from_stats > 0

    slack.event({"type": "app_home_opened", "user": BOB, "channel": "D0BOB", "tab": "home"})
    assert "Pick the queue" in json.dumps(standin.home(BOB)["blocks"])
    assert len(threads) > from_stats
    assert all(name.startswith("side-read") for name in threads)
