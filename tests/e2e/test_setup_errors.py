"""Every setup mistake an operator can make is one line on stderr, a non-zero exit, no traceback.

Each mistake is made for real: a `deference-bot` process, the environment set up to cause it,
and the Slack stand-in (or nothing at all) on the other end.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import make_url

from app.standin import SlackStandIn
from tests.e2e.conftest import BOT_TOKEN
from tests.e2e.processes import cli_env, deference_bot, serve

SERVE = ("serve", "--host", "127.0.0.1", "--port", "0")
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port that refuses connections: bound, so nobody else takes it, but not listening."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        yield held.getsockname()[1]


@pytest.fixture
def env(standin: SlackStandIn, tmp_path: Path) -> dict[str, str]:
    """A correct setup for `run` and `serve` against the stand-in; each test breaks one thing."""
    standin.start_socket_mode()
    return cli_env(standin, f"sqlite:///{tmp_path / 'bot.db'}") | {
        "SLACK_APP_TOKEN": standin.app_token
    }


def one_line_failure(env: dict[str, str], *command: str) -> str:
    done = subprocess.run(  # noqa: S603
        deference_bot(*command),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path.cwd(),
    )
    assert done.returncode != 0, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].strip(), f"expected one line, got:\n{done.stderr}"
    return lines[0]


@pytest.mark.parametrize("command", [("run",), SERVE])
def test_a_token_slack_does_not_know(env, command):
    env["SLACK_BOT_TOKEN"] = "xoxb-not-a-token-slack-knows"
    line = one_line_failure(env, *command)
    assert line.startswith("deference-bot: SLACK_BOT_TOKEN was refused by Slack (invalid_auth")
    assert "set SLACK_BOT_TOKEN to the Bot User OAuth Token" in line
    assert "xoxb-not-a-token-slack-knows" not in line


@pytest.mark.parametrize(
    ("error", "command"), [("token_revoked", SERVE), ("account_inactive", ("run",))]
)
def test_a_revoked_token_or_inactive_account(env, standin, error, command):
    standin.fail_next("auth.test", status=200, error=error)
    line = one_line_failure(env, *command)
    assert f"SLACK_BOT_TOKEN was refused by Slack ({error}" in line
    assert "reinstall the app to the workspace" in line
    assert BOT_TOKEN not in line


def test_slack_api_that_cannot_be_reached(env, closed_port):
    env["SLACK_API_URL"] = f"http://127.0.0.1:{closed_port}/api/"
    line = one_line_failure(env, *SERVE)
    assert f"SLACK_API_URL http://127.0.0.1:{closed_port}/api/ cannot be reached" in line
    assert "Connection refused" in line
    assert "correct SLACK_API_URL" in line


def test_an_app_token_slack_does_not_know(env):
    env["SLACK_APP_TOKEN"] = "xapp-not-a-token-slack-knows"
    line = one_line_failure(env, "run")
    assert "SLACK_APP_TOKEN was refused by Slack (invalid_auth" in line
    assert "App-Level Token (xapp-...) with the connections:write scope" in line
    assert "xapp-not-a-token-slack-knows" not in line


@pytest.mark.parametrize("error", ["missing_scope", "not_allowed_token_type"])
def test_an_app_token_without_connections_write(env, standin, error):
    standin.fail_next("apps.connections.open", status=200, error=error)
    line = one_line_failure(env, "run")
    assert f"SLACK_APP_TOKEN was refused by Slack ({error}" in line
    assert "set SLACK_APP_TOKEN to an App-Level Token (xapp-...) with the connections:write" in line


@pytest.mark.parametrize("command", [("migrate",), SERVE])
def test_postgresql_that_is_not_listening(env, closed_port, command):
    env["DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:{closed_port}/deference"
    line = one_line_failure(env, *command)
    assert f"DATABASE_URL: PostgreSQL at 127.0.0.1:{closed_port} cannot be reached" in line
    assert "Connection refused" in line
    assert "start PostgreSQL there, or correct the host and port in DATABASE_URL" in line


def _postgres_server() -> str:
    """host:port of the test PostgreSQL server; the tests below need one that answers."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("needs PostgreSQL: set TEST_DATABASE_URL")
    parsed = make_url(url)
    return f"{parsed.host or 'localhost'}:{parsed.port or 5432}"


@pytest.mark.parametrize("command", [("export",), ("run",)])
def test_postgresql_database_that_does_not_exist(env, command):
    server = _postgres_server()
    env["DATABASE_URL"] = f"postgresql://postgres@{server}/deference_no_such_database"
    line = one_line_failure(env, *command)
    assert (
        f'DATABASE_URL names database "deference_no_such_database", which does not exist on '
        f"{server}: create it (createdb deference_no_such_database)" in line
    )


def test_postgresql_refuses_the_user(env):
    server = _postgres_server()
    env["DATABASE_URL"] = f"postgresql://deference_no_such_role:pw@{server}/postgres"
    line = one_line_failure(env, "migrate")
    assert f'DATABASE_URL: PostgreSQL at {server} refused user "deference_no_such_role"' in line
    assert "correct the user and password in DATABASE_URL" in line
    assert ":pw@" not in line


@pytest.mark.parametrize("command", [("migrate",), ("run",)])
def test_sqlite_file_in_a_directory_that_does_not_exist(env, tmp_path, command):
    missing = tmp_path / "no" / "such" / "directory"
    env["DATABASE_URL"] = f"sqlite:///{missing}/deference.db"
    line = one_line_failure(env, *command)
    assert f"DATABASE_URL names SQLite file {missing}/deference.db" in line
    assert f"directory {missing} does not exist: create it (mkdir -p {missing})" in line
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize("command", [("export",), SERVE])
def test_sqlite_file_under_a_file(env, tmp_path, command):
    """What root meets instead of a read-only directory: a path that cannot be a directory."""
    (tmp_path / "notes.txt").write_text("a file, not a directory")
    env["DATABASE_URL"] = f"sqlite:///{tmp_path}/notes.txt/deference.db"
    line = one_line_failure(env, *command)
    assert f"{tmp_path}/notes.txt is a file, not a directory" in line
    assert "set DATABASE_URL to a file in a writable directory" in line


class RevokedWhileWorkersBoot(SlackStandIn):
    """auth.test answers once (the serve master's check), then says the token was revoked:
    the worker meets a mistake the master could not see."""

    def _api(self, method, params, token):
        if method == "auth.test" and self.calls("auth.test"):
            self.fail_next("auth.test", status=200, error="token_revoked")
        return super()._api(method, params, token)


def test_a_worker_that_meets_a_refusal_stops_the_server_without_a_traceback(tmp_path):
    with RevokedWhileWorkersBoot(bot_token=BOT_TOKEN) as standin:
        env = cli_env(standin, f"sqlite:///{tmp_path / 'bot.db'}")
        done = subprocess.run(  # noqa: S603
            deference_bot(*SERVE), env=env, capture_output=True, text=True, timeout=60
        )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    ours = [line for line in done.stderr.splitlines() if line.startswith("deference-bot:")]
    assert len(ours) == 2, done.stderr  # "listening on", then why the worker stopped
    assert ours[1].startswith("deference-bot: SLACK_BOT_TOKEN was refused by Slack (token_revoked")


def _library_warnings(log: str) -> list[str]:
    return [line for line in log.splitlines() if "WARNING" in line or "Warning" in line]


def test_a_normal_serve_start_logs_no_library_warning(env, tmp_path):
    served = serve(env, tmp_path / "serve.log")
    try:
        deadline = time.monotonic() + 30
        while not _healthy(served.url):  # the worker has built its Bolt app once this answers
            assert time.monotonic() < deadline, served.text()
            time.sleep(0.05)  # waiting for another process to boot, with a deadline
    finally:
        served.stop()
    assert "Booting worker" in served.text()
    assert _library_warnings(served.text()) == []


def test_a_normal_socket_mode_start_logs_no_library_warning(env, tmp_path):
    log = tmp_path / "run.log"
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603
            deference_bot("run"), env=env, stdout=out, stderr=out, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 30
        while "Bolt app is running" not in log.read_text():
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)  # waiting for another process to connect, with a deadline
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    assert _library_warnings(log.read_text()) == []


def _healthy(url: str) -> bool:
    try:
        with NO_PROXY.open(f"{url}/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False
