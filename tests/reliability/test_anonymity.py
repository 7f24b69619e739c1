"""Anonymous poll ratings, retro answers and steward reports cannot be tied to their author
through any table, log line (DEBUG), scheduler job record, or export."""

from __future__ import annotations

import io
import logging

import pytest
from sqlalchemy import column as sql_column
from sqlalchemy import inspect, select, table

from app import ids
from app.db.models import ExpertisePoll
from app.domain.export import iter_rows
from app.exporting import write_export
from app.jobs.schedules import post_due_retros
from app.standin import Workspace
from tests.e2e.conftest import ALICE, BOB, CAROL, GENERAL, SIGNING_SECRET, start_bot, stop_bot
from tests.reliability.figures import Figure
from tests.reliability.surfaces import ADMIN, utc

AUTHOR = "U0WHISTLE"


@pytest.fixture
def scheduled_bot(standin, database_url, clock):
    """A bot whose scheduler persists its jobs (paused), so the job table can be searched."""
    bot = start_bot(standin, database_url, clock, scheduler="paused")
    yield bot
    stop_bot(bot)


def everything_in_the_database(bot) -> dict[str, bytes]:
    """Every cell of every table, as bytes (pickled job state included)."""
    found: dict[str, bytes] = {}
    with bot.runtime.engine.connect() as connection:
        for name in inspect(connection).get_table_names():
            columns = [c["name"] for c in inspect(connection).get_columns(name)]
            query = select(*[sql_column(c) for c in columns]).select_from(table(name))
            for row in connection.execute(query):
                for column, value in zip(columns, row, strict=True):
                    raw = value if isinstance(value, bytes) else repr(value).encode()
                    found[f"{name}.{column}"] = found.get(f"{name}.{column}", b"") + raw
    return found


def test_anonymous_answers_cannot_be_tied_to_their_author(
    scheduled_bot, standin, clock, caplog, errors_logged
):
    caplog.set_level(logging.DEBUG)
    figure = Figure("Anonymous ratings, retro answers and reports: author found nowhere")
    bot = scheduled_bot
    slack = Workspace(standin, bot_url=bot.url, signing_secret=SIGNING_SECRET)
    standin.add_user(AUTHOR, "whistle")
    standin.add_user(ADMIN, "admin", is_admin=True)

    def run(text: str, user: str = ALICE) -> None:
        assert slack.command(user, GENERAL, text).status == 200
        bot.settle()

    run(f"steward <@{BOB}|b>", user=ADMIN)
    run("retro every 1w fri 16:00 UTC")
    run("poll Pick the cache --anonymous --closes 14d")
    poll = standin.messages(GENERAL)[-1]
    for user, rating in ((AUTHOR, 5), (CAROL, 2)):
        slack.click(user, f"{ids.POLL_RATE}{rating}", message=poll)
        bot.settle()
    run("feedback", user=AUTHOR)
    values = {ids.FEEDBACK_KIND: {ids.VALUE: "pressure"}, ids.FEEDBACK_TEXT: {ids.VALUE: "Told"}}
    slack.submit(AUTHOR, standin.latest_view(AUTHOR), values)
    bot.settle()
    clock.set(utc(2026, 11, 27, 16))
    assert post_due_retros() == 1
    retro = [m for m in standin.messages(GENERAL) if m["text"].startswith("Retrospective")][-1]
    for user in (AUTHOR, ALICE, CAROL):
        slack.click(user, ids.RETRO_ANSWER, message=retro)
        bot.settle()
        answers = {"pressured": {ids.VALUE: f"answer from someone {user[-2:].lower()}"}}
        slack.submit(user, standin.latest_view(user), answers)
        bot.settle()

    cells = everything_in_the_database(bot)
    assert any(b"apscheduler_jobs" in name.encode() for name in cells), "jobs are persisted"
    assert any(b"Told" in raw for raw in cells.values()), "the report is stored"
    for name, raw in cells.items():
        figure.tried += 1
        assert AUTHOR.encode() not in raw, f"the author's id is in {name}"
    figure.count("table columns without the author", figure.tried)
    logged = "\n".join(r.getMessage() for r in caplog.records) + caplog.text
    assert "U0CAROL" in logged or "retro" in logged.lower(), "DEBUG logging was captured"
    figure.tried += 1
    assert AUTHOR not in logged, "the author's id is in the log"
    figure.count("log lines (DEBUG) without the author")
    out = io.StringIO()
    with bot.sessions() as session:
        for kind in ("csv", "json", "markdown"):
            write_export(iter_rows(session, ["T0001"]), kind, out)
    figure.tried += 1
    assert AUTHOR not in out.getvalue()
    figure.count("exports without the author")
    current_poll = next(m for m in standin.messages(GENERAL) if m["ts"] == poll["ts"])
    slack.click(ALICE, ids.POLL_CLOSE, message=current_poll)
    bot.settle()
    with bot.sessions() as session:
        closed = session.scalars(select(ExpertisePoll)).one()
    assert closed.salt is None, "closing destroys the salt: ballots can no longer be re-keyed"
    figure.write()
