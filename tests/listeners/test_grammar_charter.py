"""`/decide rotation|charter|values|steward|feedback` words, parsed without Slack."""

from __future__ import annotations

from datetime import date

import pytest

from app.listeners.commands import grammar
from app.listeners.commands import grammar_charter as g

A, B, C = "<@U0A|a>", "<@U0B|b>", "<@U0C|c>"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("rotation", g.ShowRotations()),
        (
            f"rotation OnCall {A} {B} {C} every 2w",
            g.SetRotation("oncall", ("U0A", "U0B", "U0C"), 14),
        ),
        (
            f"rotation design {A} {B} every 10d starting 2027-03-01",
            g.SetRotation("design", ("U0A", "U0B"), 10, date(2027, 3, 1)),
        ),
        ("rotation oncall skip", g.AdjustRotation("oncall", "skip")),
        ("rotation skip", g.AdjustRotation(None, "skip")),
        ("rotation SKIP", g.AdjustRotation(None, "skip")),
        (f"rotation swap {A} {B}", g.AdjustRotation(None, "swap", ("U0A", "U0B"))),
        (
            f"rotation away {A} until 2027-03-15",
            g.AdjustRotation(None, "away", ("U0A",), date(2027, 3, 15)),
        ),
        ("rotation skip skip", g.AdjustRotation("skip", "skip")),  # a rotation named "skip"
        (f"rotation oncall swap {A} {B}", g.AdjustRotation("oncall", "swap", ("U0A", "U0B"))),
        (
            f"rotation oncall away {A} until 2027-03-15",
            g.AdjustRotation("oncall", "away", ("U0A",), date(2027, 3, 15)),
        ),
        ("charter", g.ShowCharter()),
        ("values", g.EditValues()),
        ("feedback", g.OpenFeedback()),
        ("steward", g.ShowSteward()),
        (f"steward {A}", g.SetSteward(user_id="U0A")),
        (f"steward {A} every quarter", g.SetSteward(user_id="U0A", every="quarter")),
        ("steward rotation OnCall", g.SetSteward(rotation="oncall")),
    ],
)
def test_words_become_intents(text, intent):
    assert grammar.parse(text) == intent


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("rotation oncall every 2w", "at least two people"),
        (f"rotation oncall {A} {A} every 2w", "named twice"),
        (f"rotation oncall {A} {B} every 0w", "not a period"),
        (f"rotation oncall {A} {B} every 2 weeks", "not a period"),
        (f"rotation oncall {A} {B}", "how often"),
        (f"rotation oncall {A} @bob every 1w", "couldn't tell who"),
        (f"rotation oncall {A} {B} every 1w starting soon", "as a date"),
        (f"rotation {A} {B} every 1w", "Name the rotation first"),
        ("rotation oncall swap <@U0A|a>", "how to swap"),
        (f"rotation oncall away {A} until tomorrow", "as a date"),
        ("steward bob", "expected a person"),
        (f"steward {A} every month", "don't understand"),
        ("charter now", "`/decide charter canvas` puts it in this channel's canvas"),
    ],
)
def test_bad_words_get_a_valid_example(text, problem):
    intent = grammar.parse(text)
    assert isinstance(intent, grammar.Problem)
    assert problem in intent.message and "`/decide" in intent.message


def test_charter_canvas_is_its_own_intent():
    assert g.parse("charter", "canvas") == g.CharterCanvas()
    assert g.parse("charter", "  Canvas ") == g.CharterCanvas()
