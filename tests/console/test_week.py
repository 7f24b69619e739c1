"""The console's first week, item by item: buttons everywhere, forms that can be finished or
cancelled, a clock that runs what it passes, charts as files."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest

from app.console.main import run_console
from app.console.repl import Console
from app.console.world import World
from app.domain.clock import ManualClock

MONDAY = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # 08:00 in Berlin
FUTURE_MONDAY = datetime(2030, 11, 25, 7, 0, tzinfo=UTC)


class Keyboard:
    """Typed lines in order; an exception in the list is raised instead (Ctrl-C)."""

    def __init__(self, lines: list) -> None:
        self.lines = list(lines)

    def __call__(self, prompt: str) -> str | None:
        if not self.lines:
            return None
        line = self.lines.pop(0)
        if isinstance(line, BaseException):
            raise line
        return line


@pytest.fixture
def console(tmp_path):
    made = []

    def make(lines: list, start: datetime | None = MONDAY) -> tuple[Console, io.StringIO]:
        out = io.StringIO()
        world = World(tmp_path / "c.db", ManualClock(start) if start else None, tmp_path / "png")
        made.append(world)
        return Console(world, out, Keyboard(lines)), out

    yield make
    for world in made:
        if world.server is not None:
            world.close()


def test_buttons_in_the_home_tab_and_in_ephemeral_messages_work(console):
    c, out = console(
        [
            "/decide charter",
            "click Edit charter",
            KeyboardInterrupt(),  # the charter form opened; leave it
            "click Edit values",
            *["Ownership", "Closest decides\\nSay why"] * 3,
            "",
            "",
            "",
            "",
            "/decide Pick a db @alice",
            "home",
            "click Record resolution",
            "PostgreSQL",
            "",
            "",
            *[""] * 3,  # the optional forecast, its confidence, sharing it
        ]
    )
    assert c.run() == 0
    text = out.getvalue()
    assert "pass exactly one" not in text and "did not go through" not in text
    assert "┌─ Team charter" in text and "form cancelled" in text
    assert "┌─ Values and principles" in text and "The first 3 are required." in text
    assert "✅ Decided" in text  # resolved from the Home tab's button


def test_a_refused_form_asks_every_field_again_and_can_be_finished(console):
    c, out = console(
        [
            "/decide values",
            *["A", "one\\ntwo", "B", "one\\ntwo", "C", "only one"],
            "",
            "",
            "",
            "",
            # Refused: C needs two principles. Everything is asked again; Enter keeps.
            *["", "", "", "", "", "one\\ntwo", "D", "one\\ntwo", "", ""],
        ]
    )
    assert c.run() == 0
    text = out.getvalue()
    assert "needs 2 or 3 principles" in text
    assert "The form is still open" in text and "Enter keeps “A”" in text
    assert text.count("└─ sent") == 1


def test_ctrl_c_in_a_form_cancels_the_form_and_the_console_goes_on(console):
    c, out = console(["/decide", KeyboardInterrupt(), "/decide log"])
    assert c.run() == 0
    text = out.getvalue()
    assert "form cancelled (nothing was sent)" in text
    assert "Decision log" in text or "No decisions" in text  # the next command ran


def test_required_fields_are_asked_for_before_sending(console):
    c, out = console(["/decide", "", "Pick a db", *[""] * 10])
    assert c.run() == 0
    assert "This field is required" in out.getvalue()
    assert "└─ sent" in out.getvalue()


def test_the_clock_runs_every_check_in_it_passes_and_restarts_where_it_was(console):
    # A week in the future, so the restart can only land there by reading the database.
    c, out = console(["/decide checkin 09:30 mon-fri", "at 16:00 fri"], start=FUTURE_MONDAY)
    assert c.run() == 0
    text = out.getvalue()
    assert text.count("FOR TODAY'S DECISIONS, WHO HAS AUTHORITY?") == 5  # Monday to Friday
    for day in ("Mon 25", "Tue 26", "Wed 27", "Thu 28", "Fri 29"):
        assert f"⏩ {day} Nov 2030 09:30 Europe/Berlin" in text
    assert "late" not in text
    c.world.close()
    again, out = console(["quit"], start=None)  # a restart on the same database
    again.run()
    assert "Fri 29 Nov 2030 09:30" in out.getvalue().splitlines()[0]


def test_charts_are_written_as_png_files_with_how_to_open_them(console, tmp_path):
    c, out = console(["/decide Pick a db @bob", "/decide stats chart"])
    assert c.run() == 0
    text = out.getvalue()
    pngs = sorted((tmp_path / "png").glob("*.png"))
    assert len(pngs) == 3 and all(p.read_bytes()[:4] == b"\x89PNG" for p in pngs)
    assert str(pngs[0]) in text and "xdg-open" in text


def test_home_shows_channel_names_and_quotes_without_a_raw_marker(tmp_path):
    script = tmp_path / "s.txt"
    script.write_text("/decide rotation oncall @alice @bob every 1w\nhome\n")
    out = io.StringIO()
    run_console(str(script), tmp_path / "r.db", out=out, start=MONDAY)
    text = out.getvalue()
    assert "oncall in #general: @alice" in text and "#C0GENERAL" not in text


def test_export_runs_the_real_command_on_the_consoles_database(console, tmp_path):
    c, out = console(["/decide Pick a db @bob", "export", "export csv", "export pdf"])
    assert c.run() == 0
    text = out.getvalue()
    assert "exported the decision log as markdown" in text
    assert "## 1. Pick a db" in (tmp_path / "console-export.md").read_text()
    assert (tmp_path / "console-export.csv").read_text().startswith("id,title,status")
    assert "usage: export" in text


def test_closing_the_world_gives_the_root_logger_its_level_back(tmp_path):
    import logging

    root = logging.getLogger()
    before = root.level
    root.setLevel(logging.INFO)
    try:
        world = World(tmp_path / "l.db", ManualClock(MONDAY), tmp_path / "png")
        assert root.level == logging.ERROR  # nothing interleaves with the transcript
        world.close()
        assert root.level == logging.INFO
    finally:
        root.setLevel(before)
