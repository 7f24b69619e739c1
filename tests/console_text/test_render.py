"""The console's pure parts, in the fast loop: Slack markup as terminal text, form prompts."""

from __future__ import annotations

from app.console import modal
from app.console.render import QUOTE, Screen, mrkdwn

NAMES = {"U0BOB": "bob"}.get
CHANNELS = {"C0GENERAL": "general"}.get


def names(uid: str) -> str:
    return NAMES(uid) or uid


def channels(cid: str) -> str:
    return CHANNELS(cid) or cid


def test_channel_ids_read_as_their_names_as_slack_draws_them():
    assert mrkdwn("lead in <#C0GENERAL>", names, channels=channels) == "lead in #general"
    assert mrkdwn("<#C0GENERAL|custom>", names, channels=channels) == "#custom"


def test_quotes_are_drawn_as_a_bar_not_a_raw_marker():
    text = mrkdwn("Answers\n&gt; first\n> second\nnot &gt; a quote", names)
    assert text.splitlines() == ["Answers", f"{QUOTE}first", f"{QUOTE}second", "not > a quote"]


def test_controls_remember_the_container_they_sit_in():
    button = {
        "type": "actions",
        "elements": [
            {"type": "button", "action_id": "a", "text": {"type": "plain_text", "text": "Go"}},
            {
                "type": "overflow",
                "action_id": "more",
                "options": [
                    {"text": {"type": "plain_text", "text": "Edit"}, "value": "edit"},
                    {"text": {"type": "plain_text", "text": "Cancel"}, "value": "cancel"},
                ],
            },
        ],
    }
    screen = Screen(names, channels=channels)
    home = {"type": "home", "id": "V1", "blocks": [button]}
    [line] = screen.blocks([button], view=home)
    assert "[1] Go" in line and "[2] ⋯ More: 1 Edit, 2 Cancel" in line
    assert screen.controls[1].view is home and screen.controls[1].message is None
    private = {"channel": "C0GENERAL", "message_ts": "1.000100"}
    screen.blocks([button], ephemeral=private)
    assert screen.controls[3].ephemeral == private and screen.controls[3].view is None
    assert screen.controls[4].kind == "overflow"


def test_a_form_says_its_notes_and_what_enter_keeps():
    view = {
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": "The first 3 are required."}},
            {
                "type": "input",
                "block_id": "v0",
                "label": {"type": "plain_text", "text": "Value 1"},
                "hint": {"type": "plain_text", "text": "2 or 3 lines"},
                "element": {"type": "plain_text_input", "action_id": "v"},
            },
        ]
    }
    assert modal.notes(view) == ["The first 3 are required."]
    [field] = modal.fields(view)
    assert not field.optional and field.hint == "2 or 3 lines"
    assert modal.prompt(field, "Ownership") == (
        "Value 1 [required, Enter keeps “Ownership”]\n    2 or 3 lines"
    )
