"""PostgreSQL stopped in the middle of a run (a private instance, never the shared one): the
person is told plainly that nothing was saved, nothing is half-written, and the bot recovers by
itself when the database is back."""

from __future__ import annotations

import contextlib
import glob
import json
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from app.db.models import Decision, DecisionEvent, ExpertisePoll
from app.standin import Workspace
from tests.e2e.conftest import ALICE, BOB, GENERAL, SIGNING_SECRET, start_bot, stop_bot
from tests.reliability.figures import Figure

BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))


class PrivatePostgres:
    def __init__(self) -> None:
        self.dir = tempfile.mkdtemp(prefix="deference-pg-")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.bin = os.path.dirname(BINARIES[-1])
        self.as_user: list[str] = []
        if os.geteuid() == 0:  # initdb refuses root
            shutil.chown(self.dir, "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self._run("initdb", "-D", self.dir, "-A", "trust", "-U", "postgres")

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        command = [*self.as_user, os.path.join(self.bin, tool), *args]
        subprocess.run(command, check=True, capture_output=True, timeout=60)  # noqa: S603

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
        self._run("pg_ctl", "-D", self.dir, "-o", options, "-l", f"{self.dir}/log", "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", self.dir, "-m", "immediate", "-w", "stop")

    def remove(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def postgres() -> Iterator[PrivatePostgres]:
    if not BINARIES:
        pytest.skip("no PostgreSQL binaries in /usr/lib/postgresql/*/bin")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no postgres user to run initdb as")
    server = PrivatePostgres()
    server.start()
    yield server
    with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
        server.stop()
    server.remove()


def what_alice_was_told(reply, standin) -> str:
    """A command that could not be stored is refused in its acknowledgement (it is stored
    before ack()); anything else tells her afterwards through the response_url."""
    if reply.body.strip():
        return json.loads(reply.body)["text"]
    return standin.responses(ALICE)[-1]["payload"]["text"]


def test_database_stopped_mid_run(postgres, standin, clock):
    figure = Figure("PostgreSQL stopped in the middle of a run, then back")
    bot = start_bot(standin, postgres.url, clock)
    slack = Workspace(standin, bot_url=bot.url, signing_secret=SIGNING_SECRET)
    try:
        assert slack.command(ALICE, GENERAL, f"Pick the queue <@{BOB}|bob>").status == 200
        bot.settle()
        postgres.stop()
        for text in (f"Pick the cache <@{BOB}|bob>", "poll Pick the broker"):
            figure.tried += 1
            reply = slack.command(ALICE, GENERAL, text)
            bot.settle()
            assert reply.status == 200
            said = what_alice_was_told(reply, standin)
            assert "nothing was saved" in said and "try again" in said, said
            figure.count("told plainly: nothing was saved, try again")
        postgres.start()
        figure.tried += 1
        assert slack.command(ALICE, GENERAL, f"Pick the region <@{BOB}|bob>").status == 200
        bot.settle()
        figure.count("next command worked without a restart")
        with bot.sessions() as session:
            titles = session.scalars(select(Decision.title).order_by(Decision.id)).all()
            opened = session.scalars(
                select(DecisionEvent.decision_id).where(DecisionEvent.kind == "opened")
            ).all()
            polls = session.scalars(select(ExpertisePoll.decision_id)).all()
            ids_ = session.scalars(select(Decision.id)).all()
        assert titles == ["Pick the queue", "Pick the region"]
        assert sorted(opened) == sorted(ids_), "every decision has its 'opened' event"
        assert set(polls) <= set(ids_), "no poll without its decision"
        cards = [c for c in standin.calls("chat.postMessage") if c.ok]
        assert len(cards) == 2, "a card only for what was saved"
        figure.count("half-written rows", 0)
    finally:
        stop_bot(bot)
    figure.write()
