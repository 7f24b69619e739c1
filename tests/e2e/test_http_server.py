"""The HTTP contract: signatures, health, and the real `deference-bot serve` process."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select

from app import ids
from app.db.engine import make_engine
from app.db.models import Decision
from app.standin import Workspace
from tests.e2e.conftest import ALICE, GENERAL, SIGNING_SECRET, command_body
from tests.e2e.processes import cli_env, deference_bot, serve

FORM = "application/x-www-form-urlencoded"
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def get(url: str) -> tuple[int, dict | str]:
    def parse(raw: bytes) -> dict | str:
        try:
            return json.loads(raw)
        except ValueError:
            return raw.decode()

    try:
        with NO_PROXY.open(url, timeout=5) as response:
            return response.status, parse(response.read())
    except urllib.error.HTTPError as error:
        return error.code, parse(error.read())


def test_unsigned_badly_signed_and_stale_requests_get_401(bot, slack, standin):
    body = command_body(standin, ALICE, "Pick the billing database <@U0BOB|bob>")
    assert slack.send_raw(body, FORM, signature="").status == 401
    assert slack.send_raw(body, FORM, timestamp="", signature="").status == 401
    assert slack.send_raw(body, FORM, signature="v0=" + "0" * 64).status == 401
    stale = str(int(time.time()) - 6 * 60)
    assert slack.send_raw(body, FORM, timestamp=stale).status == 401
    bot.settle()
    assert standin.calls("chat.postMessage") == []
    assert slack.send_raw(body, FORM).status == 200  # the same body, properly signed


def test_healthz_reports_the_database(bot):
    assert get(f"{bot.server.url}/healthz") == (200, {"ok": True, "database": "up"})
    bot.runtime.engine.dispose()
    bot.runtime.engine.pool._creator = lambda *a: (_ for _ in ()).throw(OSError("db down"))
    status, body = get(f"{bot.server.url}/healthz")
    assert (status, body["database"]) == (503, "down")


def test_unknown_path_is_404(bot):
    status, _ = get(f"{bot.server.url}/nope")
    assert status == 404


def _recorded_permalink(database_url: str, timeout: float = 10) -> str:
    """The card's permalink, once the served bot has recorded the card it posted."""
    engine = make_engine(database_url)
    deadline = time.monotonic() + timeout
    try:
        while True:
            with engine.connect() as connection:
                link = connection.execute(select(Decision.permalink)).scalar()
            if link:
                return link
            assert time.monotonic() < deadline, "the posted card was never recorded"
            time.sleep(0.05)  # another process records it
    finally:
        engine.dispose()


@pytest.fixture
def served(standin, database_url, tmp_path: Path):
    """`deference-bot serve --port 0` as its own process, as an operator would run it."""
    env = cli_env(standin, database_url)
    bot = serve(env, tmp_path / "serve.log")
    yield bot.url, env
    bot.stop()


def test_served_bot_declares_resolves_and_exports(served, standin, tmp_path):
    url, env = served
    slack = Workspace(standin, bot_url=f"{url}/slack/events", signing_secret=SIGNING_SECRET)
    standin.add_user("U123", "bob")
    assert get(f"{url}/healthz")[0] == 200
    reply = slack.command(ALICE, GENERAL, "Pick the billing database <@U123|bob>")
    assert reply.status == 200
    assert reply.elapsed < 3, "Slack gives up after 3 s"
    [post] = standin.wait_for("chat.postMessage", timeout=10)
    assert "<@U123>" in json.dumps(post.params["blocks"])
    link = _recorded_permalink(env["DATABASE_URL"])  # built, not asked of chat.getPermalink
    assert standin.resolve_permalink(link)["ts"] == post.response["ts"]

    card = slack.latest_message(GENERAL)
    assert slack.click("U123", ids.RECORD_RESOLUTION, message=card).status == 200
    standin.wait_for("views.open", timeout=10)
    modal = standin.latest_view("U123")
    reply = slack.submit("U123", modal, {ids.RESOLUTION: {"value": "PostgreSQL"}})
    assert (reply.status, reply.body) == (200, "")
    standin.wait_for("chat.update", timeout=10)

    exported = subprocess.run(  # noqa: S603
        deference_bot("export", "--format", "csv"),
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert [
        (r["title"], r["decider"], r["created_by"], r["status"], r["resolution"]) for r in rows
    ] == [("Pick the billing database", "U123", ALICE, "decided", "PostgreSQL")]


def test_serve_without_signing_secret_stops_with_one_clear_line(standin, database_url, tmp_path):
    env = cli_env(standin, database_url)
    del env["SLACK_SIGNING_SECRET"]
    result = subprocess.run(  # noqa: S603
        deference_bot("serve", "--port", "0"),
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "deference-bot: SLACK_SIGNING_SECRET is not set: copy it from the app's Basic "
        "Information page."
    ]


def test_a_command_that_mentions_payload_is_not_dropped(bot, slack, standin, errors_logged):
    """Bolt alone reads any form body containing "payload" as empty and answers 404."""
    reply = slack.command(ALICE, GENERAL, "Decide the payload format <@U0BOB|bob>")
    assert reply.status == 200
    bot.settle()
    [post] = standin.calls("chat.postMessage")
    assert "Decide the payload format" in json.dumps(post.params["blocks"])


@pytest.mark.parametrize(
    "body",
    [
        "payload=" + "%7B%22type%22%3A%20%22block_actions%22%2C%20%22user%22%3A%20%7B%22id",
        "payload=%5B1%2C2%5D",
        "payload=not-json",
    ],
)
def test_unparseable_bodies_get_400_signed_and_401_unsigned(bot, slack, body, errors_logged):
    assert slack.send_raw(body, FORM).status == 400
    assert slack.send_raw(body, FORM, signature="v0=" + "1" * 64).status == 401
    assert slack.send_raw("{truncated", "application/json").status == 400
