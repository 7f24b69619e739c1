"""Anonymous reports reach the steward, and nothing anywhere links one to its author."""

from __future__ import annotations

import json
import logging

from sqlalchemy import JSON, String, Text, cast, func, select

from app import ids
from app.db.models import Base, Charter, FeedbackReport
from tests.e2e.conftest import ALICE, BOB, GENERAL

REPORTER = "U0REPORTER"
ADMIN = "U0ADMIN"


def test_a_report_reaches_the_steward_and_its_author_is_nowhere(
    bot, slack, standin, caplog, errors_logged
):
    caplog.set_level(logging.DEBUG)
    standin.add_user(ADMIN, "admin", is_admin=True)
    standin.add_user(REPORTER, "reporter")
    assert slack.command(ADMIN, GENERAL, f"steward <@{BOB}|b> every quarter").status == 200
    bot.settle()
    assert f"<@{BOB}> is now the steward" in standin.responses(ADMIN)[-1]["payload"]["text"]
    caplog.clear()
    assert slack.command(REPORTER, GENERAL, "feedback").status == 200
    bot.settle()
    view = standin.latest_view(REPORTER)
    reply = slack.submit(
        REPORTER,
        view,
        {
            ids.FEEDBACK_KIND: {ids.VALUE: "pressure"},
            ids.FEEDBACK_TEXT: {ids.VALUE: "I was told to defer or else."},
        },
    )
    assert reply.status == 200 and "no link to you" in reply.body
    shown = standin.current_view(REPORTER)  # the form became the confirmation, in place
    assert shown["id"] == view["id"] and "no link to you" in json.dumps(shown["blocks"])
    bot.settle()
    [dm] = standin.messages(BOB)
    assert dm["text"] == "Anonymous report: Pressure to defer"
    assert "I was told to defer or else." in str(dm["blocks"])
    with bot.sessions() as session:
        assert session.scalars(select(FeedbackReport)).one().kind == "pressure"
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, String | Text | JSON):
                    where = cast(column, String).contains(REPORTER)
                    hits = session.scalar(select(func.count()).select_from(table).where(where))
                    assert hits == 0, (table.name, column.name)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert logged and REPORTER not in logged


def test_a_report_without_a_steward_is_refused_before_anything_is_stored(
    bot, slack, standin, errors_logged
):
    assert slack.command(ALICE, GENERAL, "feedback").status == 200
    bot.settle()
    said = standin.responses(ALICE)[-1]["payload"]["text"]
    assert "Nobody is the steward yet" in said and "nothing was saved" in said
    assert standin.latest_view(ALICE) is None
    with bot.sessions() as session:
        assert session.scalars(select(FeedbackReport)).all() == []


def test_only_those_the_charter_allows_name_the_steward(bot, slack, standin, errors_logged):
    standin.add_user(ADMIN, "admin", is_admin=True)
    assert slack.command(ALICE, GENERAL, f"steward <@{BOB}|b>").status == 200
    bot.settle()
    refusal = standin.responses(ALICE)[-1]["payload"]
    assert refusal["response_type"] == "ephemeral"
    assert "Only workspace admins" in json.dumps(refusal)
    with bot.sessions() as session:
        assert session.scalars(select(Charter.steward_id)).all() in ([], [None])
    slack.command(ADMIN, GENERAL, f"steward <@{BOB}|b>")
    bot.settle()
    with bot.sessions() as session:
        assert session.scalars(select(Charter.steward_id)).all() == [BOB]
