"""Real `deference-bot` processes for end-to-end tests, configured for the Slack stand-in."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.conftest import BOT_TOKEN, SIGNING_SECRET

LISTENING = re.compile(r"listening on (http://127\.0\.0\.1:\d+)")


def cli_env(standin, database_url: str) -> dict[str, str]:
    """The environment an operator would set, pointed at the stand-in; no proxy variables."""
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env.update(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=standin.api_url,
        DATABASE_URL=database_url,
        LOG_LEVEL="INFO",
    )
    return env


def deference_bot(*args: str) -> list[str]:
    return [sys.executable, "-m", "app", *args]


def run_socket_mode(standin, database_url: str, workdir: Path) -> subprocess.Popen:
    """`deference-bot run` in `workdir`, configured as an operator would: through a `.env` file
    there, with the stand-in's bot and app tokens. stderr is piped for the caller to check."""
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    (workdir / ".env").write_text(
        f"SLACK_BOT_TOKEN={BOT_TOKEN}\nSLACK_APP_TOKEN={standin.app_token}\n"
        f"SLACK_API_URL={standin.api_url}\nDATABASE_URL={database_url}\n"
    )
    return subprocess.Popen(  # noqa: S603 - our own command line
        deference_bot("run"),
        env=env,
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@dataclass
class Served:
    process: subprocess.Popen
    log: Path
    url: str

    def text(self) -> str:
        return self.log.read_text()

    def kill(self) -> None:
        """SIGKILL the master and its workers at once: no goodbye, no unlock."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def serve(env: dict[str, str], log: Path, *args: str) -> Served:
    """`deference-bot serve --port 0` in its own process group; returns once it listens."""
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603
            deference_bot("serve", "--host", "127.0.0.1", "--port", "0", *args),
            env=env,
            stderr=out,
            stdout=out,
            cwd=log.parent,
            start_new_session=True,  # its own process group, so a test can kill all of it
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        found = LISTENING.search(log.read_text())
        if found:
            return Served(process, log, found.group(1))
        time.sleep(0.05)  # waiting for another process's start-up, with a deadline
    process.kill()
    pytest.fail(f"serve did not start:\n{log.read_text()}")
