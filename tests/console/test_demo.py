"""The shipped demo, end to end: the transcript tells the story and the database agrees."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from sqlalchemy import func, select

from app.console.main import run_console
from app.db.engine import make_engine, make_session_factory
from app.db.models import Decision, RetroAnswer, RetroRespondent
from app.vocabulary import Framework, Status


def test_demo_script_tells_a_whole_story(tmp_path):
    out = io.StringIO()
    database = tmp_path / "demo.db"
    sunday = datetime(2026, 11, 22, 11, 0, tzinfo=UTC)
    assert run_console("demo", database, out=out, start=sunday) == 0, out.getvalue()
    transcript = out.getvalue()
    flat = " ".join(transcript.split())
    for line in [
        "alice in #general> /decide Pick the billing database @bob",
        "│ > We move billing to PostgreSQL 16",
        "✅ Decided · #1",
        "📊 Expertise poll: Which message queue for the event pipeline?",
        "4 responses so far",
        "1. @erin · score 4.8 · 2 nominations",
        "Defer to @erin.",
        "✅ @erin is now the decider (framework: expertise).",
        "🗂 Decision log",
        "FOR TODAY'S DECISIONS, WHO HAS AUTHORITY?",
        "RETROSPECTIVE: WHO DECIDED, AND HOW DID IT GO?",
        "Anonymous answers (3)",
        "┃ I deferred on billing although I had doubts about the migration cost.",
        "Answers sent",
        "✏ Edited by @alice",
        "🤝 @dave handed it on to @carol",
        "⏩ Tue 24 Nov 2026 09:30 Europe/Berlin",  # every weekday's check-in, on time
        "⏩ Wed 25 Nov 2026 09:30 Europe/Berlin",
        "3 image(s)",
        "exported the decision log as markdown",
        "exported the decision log as html: open",
        "✅ Recorded for Pick the billing database: Worked",
        "decided Sun 22 Nov · outcome: worked",
    ]:
        assert " ".join(line.split()) in flat, line
    assert "Traceback" not in transcript and "⚠" not in transcript
    assert len(list((tmp_path / "console-charts").glob("*.png"))) >= 3
    assert "## 3. Choose the on-call paging tool" in (tmp_path / "console-export.md").read_text()
    site = (tmp_path / "console-site" / "index.html").read_text()
    assert "Choose the on-call paging tool" in site and "Pick the billing database" in site

    engine = make_engine(f"sqlite:///{database}")
    with make_session_factory(engine)() as session:
        billing, queue, oncall = session.scalars(select(Decision).order_by(Decision.id))
        assert (oncall.title, oncall.decider_id) == ("Choose the on-call paging tool", "U0CAROL")
        assert (billing.status, billing.decider_id, billing.resolution) == (
            Status.DECIDED,
            "U0BOB",
            "We move billing to PostgreSQL 16",
        )
        assert (billing.outcome, billing.outcome_note) == (
            "worked",
            "The migration took a week less than planned.",
        )
        assert (queue.status, queue.decider_id, queue.framework, queue.resolution) == (
            Status.DECIDED,
            "U0ERIN",
            Framework.EXPERTISE,
            "Kafka, managed by the platform team",
        )
        assert len(session.scalars(select(RetroAnswer.text)).all()) == 3
        assert session.scalar(select(func.count()).select_from(RetroRespondent)) == 3
    engine.dispose()


def test_a_script_with_mistakes_explains_them_and_fails(tmp_path):
    script = tmp_path / "mistakes.txt"
    script.write_text("frobnicate\n42\nas @nobody\nwait soon\n/decide lgo\n")
    out = io.StringIO()
    assert run_console(str(script), tmp_path / "m.db", out=out) == 1
    transcript = out.getvalue()
    assert "I don't know “frobnicate”" in transcript
    assert "there is no button 42" in transcript
    assert "nobody called @nobody" in transcript
    assert "usage: wait 30m" in transcript
    assert "Did you mean `/decide log`?" in transcript  # the bot's own answer, rendered
