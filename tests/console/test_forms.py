"""A form the bot answers with another view: the console shows what Slack would show next."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from sqlalchemy import select

from app.console.readers import script_reader
from app.console.repl import Console
from app.console.world import World
from app.db.engine import make_engine, make_session_factory
from app.db.models import Decision
from app.domain.clock import ManualClock

ALICE, BOB, CAROL = "U0ALICE", "U0BOB", "U0CAROL"
SUNDAY = datetime(2026, 11, 22, 11, 0, tzinfo=UTC)
DECLARE_FIELDS = 11  # title, decider, framework … deadline, tiebreaker, context


def play(tmp_path, lines: list[str]) -> tuple[str, World, Console]:
    """Run a script in a console whose world stays open, so the stand-in can be asked."""
    out = io.StringIO()
    world = World(tmp_path / "c.db", ManualClock(SUNDAY), tmp_path / "charts")
    console = Console(world, out, script_reader(lines, out), scripted=True)
    console.run()
    return out.getvalue(), world, console


def test_a_form_that_comes_back_headed_by_similar_decisions_is_filled_again(tmp_path):
    first_form = ["> Pick the billing database", "> @carol", *[">"] * (DECLARE_FIELDS - 2)]
    script = ["/decide Pick the billing database @bob", "/decide", *first_form, "> 1"]
    transcript, world, console = play(tmp_path, script)
    try:
        assert "This looks like #1" in transcript and "Declare it anyway? [required]" in transcript
        assert "Enter keeps “Pick the billing database”" in transcript  # what was typed stays
        assert world.standin.current_view(ALICE) is None  # declared: the modal closed
        assert console.problems == 0, transcript
    finally:
        world.close()
    engine = make_engine(f"sqlite:///{tmp_path / 'c.db'}")
    with make_session_factory(engine)() as session:
        found = [(d.title, d.decider_id) for d in session.scalars(select(Decision))]
    engine.dispose()
    assert found == [("Pick the billing database", BOB), ("Pick the billing database", CAROL)]


def test_a_confirmation_shown_in_place_of_the_form_is_read_then_closed(tmp_path):
    script = [
        "/decide steward @bob",
        "/decide feedback",
        "> 1",
        "> I was told to defer or else.",
    ]
    transcript, world, console = play(tmp_path, script)
    try:
        assert "┌─ Report sent" in transcript and "Sent to the steward" in transcript
        assert world.standin.current_view(ALICE) is None
        assert console.problems == 0, transcript
    finally:
        world.close()


def test_a_required_field_a_script_leaves_empty_sends_nothing(tmp_path):
    transcript, world, console = play(tmp_path, ["/decide"])
    try:
        assert "“What needs deciding?” is required" in transcript
        assert "form cancelled (nothing was sent)" in transcript
        assert console.problems == 1
        assert world.standin.calls("chat.postMessage") == []
    finally:
        world.close()
