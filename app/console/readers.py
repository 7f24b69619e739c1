"""Where the console's typed lines come from: the keyboard, or a script played as if typed."""

from __future__ import annotations

import contextlib
import queue
import sys
import termios
import threading
from collections.abc import Callable
from typing import TextIO

Ask = Callable[[str], str | None]  # prompt -> typed line, or None at end of input
# How long the loop waits for a line between two looks at pending signals: Ctrl-C's latency.
SIGNAL_LOOK = 0.1


class KeyboardReader:
    """Typed lines, read by readline on a thread of its own while the loop waits for them.

    Why a thread: readline prints the prompt, then blocks in select() until a key arrives. A
    Ctrl-C landing between the two only sets Python's signal flag (the terminal swallows the
    ^C byte), so select() never returns and the console hangs at its prompt, deaf to Ctrl-C.
    Here the loop waits in short timed waits instead, and Python raises KeyboardInterrupt in
    it at the latest when the next one ends.
    """

    def __init__(self, out: TextIO) -> None:
        self._readline = None
        with contextlib.suppress(ImportError):
            import readline  # line editing and history where available

            if "libedit" not in (readline.__doc__ or ""):
                # Nothing for a Ctrl-C exit to switch back off in the terminal afterwards.
                readline.parse_and_bind("set enable-bracketed-paste off")
                self._readline = _gnu_readline(readline.__file__)
        self.out = out
        # True while the reading thread sits in input() for a prompt whose wait a Ctrl-C
        # interrupted: the next prompt is then redrawn there instead of queued.
        self._still_reading = False
        self._terminal = _terminal_settings()
        self._prompts: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._lines: queue.SimpleQueue[str | Exception | None] = queue.SimpleQueue()
        threading.Thread(target=self._read, name="keyboard", daemon=True).start()

    def __call__(self, prompt: str) -> str | None:
        """The next typed line; KeyboardInterrupt on Ctrl-C, after which the console may go
        on (a form is cancelled) or leave (then it calls restore_terminal)."""
        if self._still_reading:
            self._redraw(prompt)
        else:
            self._prompts.put(prompt)
            self._still_reading = True
        line = self._next_line()
        self._still_reading = False
        if isinstance(line, Exception):
            raise line
        return line

    def _redraw(self, prompt: str) -> None:
        """Show ``prompt`` in place of the one the reading thread is still waiting at, with
        whatever was typed before Ctrl-C cleared."""
        lib = self._readline
        if lib is None:
            self.out.write(prompt)
            self.out.flush()
            return
        try:
            lib.rl_set_prompt(prompt.encode())
            lib.rl_replace_line(b"", 0)
            lib.rl_on_new_line()
            lib.rl_redisplay()
        except (AttributeError, OSError):  # an unusual readline: say it plainly instead
            self.out.write(prompt)
            self.out.flush()

    def restore_terminal(self) -> None:
        """Before leaving on Ctrl-C: readline, interrupted mid-line, would have done this."""
        self._restore_terminal()

    def _next_line(self) -> str | Exception | None:
        while True:
            try:
                return self._lines.get(timeout=SIGNAL_LOOK)
            except queue.Empty:
                continue

    def _read(self) -> None:
        while True:
            prompt = self._prompts.get()
            try:
                line = input(prompt)
            except EOFError:
                self.out.write("\n")
                line = None
            except Exception as failure:  # relayed to the loop, raised there
                line = failure
            self._lines.put(line)

    def _restore_terminal(self) -> None:
        """Echo and line mode back as they were: the reading thread is left inside readline,
        which switched them off for its line editing."""
        if self._terminal is not None:
            with contextlib.suppress(termios.error):
                termios.tcsetattr(sys.stdin.fileno(), termios.TCSADRAIN, self._terminal)


def _gnu_readline(module_file: str | None):
    """GNU readline's C functions (through the module that links it), to redraw a prompt the
    reading thread waits at; None where they cannot be reached."""
    try:
        import ctypes

        lib = ctypes.CDLL(module_file)
        lib.rl_set_prompt.argtypes = [ctypes.c_char_p]
        lib.rl_replace_line.argtypes = [ctypes.c_char_p, ctypes.c_int]
        return lib
    except (OSError, AttributeError, TypeError):
        return None


def _terminal_settings() -> list | None:
    try:
        return termios.tcgetattr(sys.stdin.fileno())
    except (termios.error, OSError, ValueError):  # not a terminal (piped input, pytest)
        return None


def interactive_reader(out: TextIO) -> Ask:
    return KeyboardReader(out)


class ScriptError(ValueError):
    """A script line that cannot be played: the script, not the bot, is wrong."""


def script_reader(lines: list[str], out: TextIO) -> Ask:
    """Answers prompts from a script, echoing each line as if typed.

    While a form is open, lines starting with `>` answer its fields in order; a form's fields
    left without an answer line are skipped, as pressing Enter would.
    """
    pending = [line.rstrip("\n") for line in lines]

    def ask(prompt: str) -> str | None:
        in_form = prompt.startswith("│")
        while pending:
            line = pending[0]
            if in_form:
                if not line.startswith(">"):
                    out.write(f"{prompt}\n")
                    return ""
                pending.pop(0)
                answer = line[1:].strip()
                out.write(f"{prompt}{answer}\n")
                return answer
            pending.pop(0)
            if line.startswith(">"):
                raise ScriptError(f"an answer line with no form open: {line}")
            if line.strip() and not line.lstrip().startswith("#"):
                out.write(f"\n{prompt}{line}\n")
                return line
        if in_form:
            out.write(f"{prompt}\n")
            return ""
        return None

    return ask
