"""The interactive console through a pseudo-terminal, as a person would use it."""

from __future__ import annotations

import codecs
import fcntl
import os
import pty
import select
import signal
import subprocess
import sys
import termios
import time

from sqlalchemy import select as sql_select

from app.db.engine import make_engine, make_session_factory
from app.db.models import Decision
from app.vocabulary import Status


class Terminal:
    """Just enough of expect(1): type lines, wait for text to appear."""

    def __init__(self, args: list[str], cwd) -> None:
        self.master, slave = pty.openpty()
        env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
        env["TERM"] = "dumb"
        self.process = subprocess.Popen(  # noqa: S603
            args,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=cwd,
            env=env,
            close_fds=True,
            preexec_fn=_own_terminal,
        )
        os.close(slave)
        self.seen = ""
        self._decode = codecs.getincrementaldecoder("utf-8")(errors="replace").decode

    def expect(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.seen:
            left = deadline - time.monotonic()
            assert left > 0, f"never saw {text!r}; screen so far:\n{self.seen[-3000:]}"
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:
                    chunk = b""
                assert chunk, f"the console exited before {text!r}:\n{self.seen[-3000:]}"
                self.seen += self._decode(chunk)
        self.seen = self.seen[self.seen.index(text) + len(text) :]

    def type(self, line: str) -> None:
        os.write(self.master, line.encode() + b"\n")

    def press(self, key: bytes) -> None:
        os.write(self.master, key)

    def exit_code(self, timeout: float = 60) -> int:
        """The console's exit status; if it does not exit, fail with every thread's stack."""
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.kill(self.process.pid, signal.SIGUSR1)  # faulthandler dumps all threads
            stacks = self._drain()
            self.process.kill()
            raise AssertionError(f"the console did not exit; its threads:\n{stacks}") from None
        finally:
            os.close(self.master)

    def _drain(self) -> str:
        chunks = []
        while select.select([self.master], [], [], 1.0)[0]:
            try:
                chunks.append(self._decode(os.read(self.master, 65536)))
            except OSError:
                break
        return "".join(chunks)[-8000:]


def _own_terminal() -> None:
    """Make the pseudo-terminal the child's controlling terminal, as a shell would."""
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


# The console as `deference-bot console` runs it, with faulthandler ready to show where it
# hangs should it ever fail to exit.
CONSOLE = (
    "import faulthandler, signal, sys; faulthandler.register(signal.SIGUSR1, all_threads=True); "
    "from app.cli import main; sys.exit(main(['console', '--db', 'x.db']))"
)


def console(tmp_path) -> Terminal:
    return Terminal([sys.executable, "-c", CONSOLE], cwd=tmp_path)


def decisions(tmp_path) -> list[Decision]:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with make_session_factory(engine)() as session:
        found = list(session.scalars(sql_select(Decision)))
    engine.dispose()
    return found


def test_declare_and_resolve_by_hand(tmp_path):
    term = console(tmp_path)
    term.expect("alice in #general> ")
    term.type("frobnicate")
    term.expect("I don't know “frobnicate”")
    term.type("/decide")
    term.expect("What needs deciding? [required]")
    term.expect("│ > ")
    term.type("")  # leave the title empty: asked again before sending, as Slack's client does
    term.expect("This field is required")
    term.expect("│ > ")
    term.type("Pick the billing database")
    for _ in range(
        10
    ):  # decider … reversible, stakes, time pressure, deadline, tiebreaker, context
        term.expect("│ > ")
        term.type("")
    term.expect("└─ sent")
    term.expect("[1] Record resolution")
    term.type("99")
    term.expect("there is no button 99")
    term.type("1")
    term.expect("What was decided? [required]")
    term.expect("│ > ")
    term.type("PostgreSQL")
    term.expect("Who decided? [required]")  # nobody was named: Enter keeps the recorder
    term.expect("│ > ")
    term.type("")
    term.expect("Why? [optional, Enter to skip]")
    term.expect("│ > ")
    term.type("")
    for field in ("Your forecast", "How confident", "Share"):  # optional, private forecast
        term.expect(field)
        term.expect("│ > ")
        term.type("")
    term.expect("✅ Decided")
    term.expect("alice in #general> ")
    term.press(b"\x04")  # Ctrl-D
    assert term.exit_code() == 0
    [decision] = decisions(tmp_path)
    assert (decision.title, decision.status, decision.resolution) == (
        "Pick the billing database",
        Status.DECIDED,
        "PostgreSQL",
    )


def test_ctrl_c_leaves_cleanly(tmp_path):
    term = console(tmp_path)
    term.expect("alice in #general> ")
    term.type("/decide Pick a name @bob")
    term.expect("[1] Record resolution")
    term.expect("alice in #general> ")
    term.press(b"\x03")  # Ctrl-C
    assert term.exit_code() == 0
    [decision] = decisions(tmp_path)
    assert decision.card_ts is not None  # the card and its row were both finished


def test_ctrl_c_in_a_form_cancels_it_and_the_prompt_comes_back(tmp_path):
    term = console(tmp_path)
    term.expect("alice in #general> ")
    term.type("/decide")
    term.expect("What needs deciding? [required]")
    term.expect("│ > ")
    term.press(b"half a tit")
    term.press(b"\x03")  # Ctrl-C, mid-answer
    term.expect("form cancelled (nothing was sent)")
    term.expect("alice in #general> ")
    term.type("/decide Pick a name @bob")  # what was typed before Ctrl-C is gone
    term.expect("[1] Record resolution")
    term.expect("alice in #general> ")
    term.press(b"\x04")
    assert term.exit_code() == 0
    [decision] = decisions(tmp_path)
    assert decision.title == "Pick a name"
