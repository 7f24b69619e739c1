"""`/decide edit|handoff|cancel|reopen|supersede|escalate <number> …`, parsed."""

import pytest

from app.listeners.commands.grammar import OpenForm, Problem, parse
from app.listeners.commands.grammar_lifecycle import (
    CancelDecision,
    EditDecision,
    EscalateDecision,
    HandOn,
    ReopenDecision,
    SupersedeDecision,
)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("edit 12", EditDecision(12)),
        ("edit #12", EditDecision(12)),
        ("cancel 12 Duplicate of #9", CancelDecision(12, "Duplicate of #9")),
        ("cancel 12   spaced   out ", CancelDecision(12, "spaced out")),
        ("reopen 3 Price &lt;doubled&gt;", ReopenDecision(3, "Price <doubled>")),
        ("reopen 3 tell <!channel> now", ReopenDecision(3, "tell !channel now")),
        ("handoff 4 <@U2|bob>", HandOn(4, "U2", "")),
        ("handoff 4 <@U2|bob> knows it best", HandOn(4, "U2", "knows it best")),
        ("supersede 5", SupersedeDecision(5)),
        ("supersede 5 Move to Postgres", SupersedeDecision(5, "Move to Postgres")),
        ("supersede 5 Move to Postgres <@U3|c>", SupersedeDecision(5, "Move to Postgres", "U3")),
        ("escalate 6 Touches customer data", EscalateDecision(6, "Touches customer data")),
        # A title that merely starts with one of these words still declares.
        ("cancel the offsite", OpenForm("cancel the offsite")),
        ("Edit the handbook", OpenForm("Edit the handbook")),
    ],
)
def test_parse_lifecycle(text, intent):
    assert parse(text) == intent


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("cancel", "by its number"),
        ("cancel 12", "Say why"),
        ("reopen #4", "Say why"),
        ("escalate 4", "Say why"),
        ("edit 12 now", "only the number"),
        ("handoff 12", "Name the new decider"),
        ("handoff 12 @bob", "Name the new decider"),
        ("supersede 12 <@U3|c>", "before naming its decider"),
        ("supersede 12 Ask <@U1|a> or <@U3|c>", "one decider"),
        ("supersede 12 " + "x" * 201, "200 characters"),
    ],
)
def test_lifecycle_mistakes_say_what_was_wrong(text, says):
    intent = parse(text)
    assert isinstance(intent, Problem) and says in intent.message
