"""Security basics: signatures always verified in HTTP mode with no switch to skip it, secrets
never in logs, errors or reprs, and SQL only through bound parameters."""

from __future__ import annotations

import ast
import logging
from pathlib import Path

from slack_bolt.middleware.request_verification import RequestVerification

from app import ids
from app.config import Settings
from tests.e2e.conftest import ALICE, BOB, BOT_TOKEN, GENERAL, SIGNING_SECRET
from tests.reliability.figures import Figure

APP = Path(__file__).resolve().parents[2] / "app"
SQL_CALLS = {"text", "exec_driver_sql", "execute", "executescript"}
# DDL in migrations names indexes and columns from constants in the migration itself; the
# running totals' triggers and fold (app/db/counts.py) are SQL written from that module's own
# table and column names, for two dialects, with the one value they take (`:last`) bound.
ALLOWED = {"db/migrations/versions", "db/counts.py"}


def test_http_mode_always_verifies_and_offers_no_switch(bot):
    figure = Figure("HTTP mode verifies every signature; no switch to skip it")
    middleware = bot.runtime.bolt._middleware_list
    assert any(isinstance(m, RequestVerification) for m in middleware)
    settings = set(Settings.model_fields)
    switches = [
        name for name in settings if "verif" in name or "skip" in name or "insecure" in name
    ]
    assert switches == []
    figure.tried = 2
    figure.count("verification middleware installed", 1)
    figure.count("settings that could turn it off", 0)
    figure.write()


def test_secrets_stay_out_of_logs_errors_and_reprs_even_when_things_fail(
    bot, slack, standin, caplog
):
    caplog.set_level(logging.DEBUG)
    standin.fail_next("chat.postMessage", status=500, count=3)  # an error the user is told about
    slack.command(ALICE, GENERAL, f"Pick the queue <@{BOB}|bob>")
    bot.settle()
    slack.command(ALICE, GENERAL, f"Pick the cache <@{BOB}|bob>")
    bot.settle()
    slack.click(BOB, ids.RECORD_RESOLUTION, message=standin.messages(GENERAL)[-1], value="x")
    slack.send_raw("payload=%7Bbroken", "application/x-www-form-urlencoded")
    slack.send_raw("payload=%7Bbroken", "application/x-www-form-urlencoded", signature="v0=00")
    bot.settle()
    told = str(standin.responses()) + str(standin.ephemerals())
    seen = {
        "logs": caplog.text,
        "what users were told": told,
        "reprs": repr(bot.runtime) + repr(bot.runtime.settings) + str(bot.runtime.settings),
    }
    assert "Slack refused" in told or "try again" in told, "an error reached the user"
    figure = Figure("Tokens and signing secret absent from logs, errors, reprs")
    for where, text in seen.items():
        figure.tried += 1
        assert BOT_TOKEN not in text and SIGNING_SECRET not in text, where
        figure.count("clean")
    figure.write()


def formatted(node: ast.expr) -> bool:
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
        return True
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    )


def test_sql_goes_through_bound_parameters_only():
    figure = Figure("SQL built by string formatting in app/ (bound parameters only)")
    found = []
    for path in sorted(APP.rglob("*.py")):
        relative = path.relative_to(APP).as_posix()
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if name in SQL_CALLS:
                figure.tried += 1
                if formatted(node.args[0]) and not any(a in relative for a in ALLOWED):
                    found.append(f"{relative}:{node.lineno}")
    assert found == [], found
    figure.count("formatted SQL outside migrations' fixed DDL", 0)
    figure.write()
