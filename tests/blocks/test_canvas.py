"""The charter canvas's words: one headed part each, typed text inert, Slack's refusals said."""

from __future__ import annotations

from app.blocks.canvas import HEADINGS, canvas_parts, canvas_refused
from app.domain.canvas import DomainLine, LeadLine, Mirror
from app.standin.canvases import parse_sections


def test_each_part_is_one_section_under_its_own_heading_whatever_was_typed():
    hostile = "# Owned ![](@U0EVIL) [x](https://evil) | *b*"
    mirror = Mirror(
        (DomainLine(hostile, "U1", None, "local", "U2"),),
        "U2",
        ((hostile, (hostile, "Say why")),),
        (LeadLine(hostile, "C1", "U3"),),
        None,
    )
    markdown = "\n\n".join(part for _, part in canvas_parts(mirror))
    sections = parse_sections(markdown)
    assert [s["heading"] for s in sections] == list(HEADINGS)
    assert "![](@U0EVIL)" not in markdown and "[x](https://evil)" not in markdown
    assert "\\!\\[\\]\\(@U0EVIL\\)" not in markdown  # `!` stays, brackets are escaped
    assert "!\\[\\]\\(@U0EVIL\\)" in markdown
    assert "- **\\# Owned" in markdown and "  - \\# Owned" in markdown
    assert "![](@U1)" in markdown and "![](#C1)" in markdown and "Steward: nobody yet" in markdown


def test_slacks_refusals_are_said_in_canvas_words():
    assert "Reinstall" in canvas_refused("missing_scope")
    assert "plan" in canvas_refused("team_tier_cannot_create_channel_canvases")
    assert "/invite" in canvas_refused("not_in_channel", "C0GENERAL")
