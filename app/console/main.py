"""`deference-bot console`: start the world, run the loop, shut down cleanly on any exit."""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from app.console.readers import ScriptError, interactive_reader, script_reader
from app.console.repl import Console
from app.console.world import World
from app.domain.clock import ManualClock

DEMO = "demo.txt"


def demo_script() -> str:
    return resources.files("app.console").joinpath(DEMO).read_text(encoding="utf-8")


def sunday_noon(now: datetime) -> datetime:
    """Noon in Berlin on the coming Sunday (today, if it is Sunday before noon): where a
    script's week begins, so `at 09:30 mon` in it means the next day, whatever day it is run,
    and a script plays the same story every time."""
    berlin = ZoneInfo("Europe/Berlin")
    local = now.astimezone(berlin)
    day = local.date() + timedelta(days=(6 - local.weekday()) % 7)
    noon = datetime(day.year, day.month, day.day, 12, 0, tzinfo=berlin)
    if noon < now:
        noon += timedelta(days=7)
    return noon.astimezone(UTC)


def run_console(
    script: str | None,
    database: Path | None,
    out: TextIO = sys.stdout,
    start: datetime | None = None,
) -> int:
    """Returns the exit status: 0, or 1 when a script met a problem (so demos fail loudly)."""
    lines = None
    if script is not None:
        text = demo_script() if script == "demo" else Path(script).read_text(encoding="utf-8")
        lines = text.splitlines()
    with tempfile.TemporaryDirectory(prefix="deference-console-") as scratch:
        if database is None:
            database = Path(scratch) / "console.db" if lines is not None else Path("console.db")
        charts = (
            Path.cwd()
            if lines is not None and database.parent == Path(scratch)
            else database.parent
        ) / "console-charts"
        if start is None and lines is not None and not database.exists():
            start = sunday_noon(datetime.now(UTC))
        world = World(database, ManualClock(start) if start else None, charts)
        ask = script_reader(lines, out) if lines is not None else interactive_reader(out)
        console = Console(world, out, ask, scripted=lines is not None)
        try:
            return console.run()
        except ScriptError as problem:
            out.write(f"deference-bot console: {problem}\n")
            return 2
        except KeyboardInterrupt:  # Ctrl-C at the prompt leaves, as the help says
            getattr(ask, "restore_terminal", lambda: None)()
            out.write("\n")
            return 0
        finally:
            world.close()
