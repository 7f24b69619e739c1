"""Where the console's typed lines come from: the keyboard, or a script played as if typed."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TextIO

Ask = Callable[[str], str | None]  # prompt -> typed line, or None at end of input


def interactive_reader(out: TextIO):
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (line editing and history where available)

    def ask(prompt: str) -> str | None:
        try:
            return input(prompt)
        except EOFError:
            out.write("\n")
            return None

    return ask


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
