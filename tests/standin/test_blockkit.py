"""Block Kit limits enforced by the stand-in, as pure functions."""

from __future__ import annotations

from typing import Any

from app.standin.blockkit import message_block_errors, view_errors


def section(text: str = "x", **extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}, **extra}


def button(text: str = "Go", value: str = "v", action_id: str = "go") -> dict[str, Any]:
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": text},
        "value": value,
        "action_id": action_id,
    }


SUBMIT = {"type": "plain_text", "text": "Save"}


def modal(title: str = "Decide", blocks: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"type": "modal", "title": {"type": "plain_text", "text": title}, "blocks": blocks or []}


def test_fifty_blocks_accepted_fifty_one_rejected() -> None:
    assert message_block_errors([section() for _ in range(50)]) == []
    errors = message_block_errors([section() for _ in range(51)])
    assert any("too many blocks" in e for e in errors)


def test_view_allows_one_hundred_blocks() -> None:
    assert view_errors(modal(blocks=[section() for _ in range(100)])) == []
    assert view_errors(modal(blocks=[section() for _ in range(101)]))
    home = {"type": "home", "blocks": [section() for _ in range(101)]}
    assert view_errors(home, home=True)


def test_text_limits() -> None:
    header = {"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}
    assert message_block_errors([header])
    header["text"]["text"] = "h" * 150
    assert message_block_errors([header]) == []
    assert message_block_errors([section("s" * 3001)])
    assert message_block_errors([section("s" * 3000)]) == []
    fields = [{"type": "mrkdwn", "text": "f"}] * 11
    assert message_block_errors([{"type": "section", "fields": fields}])


def test_button_limits_in_actions_and_accessory() -> None:
    assert message_block_errors([{"type": "actions", "elements": [button("b" * 75)]}]) == []
    assert message_block_errors([{"type": "actions", "elements": [button("b" * 76)]}])
    assert message_block_errors([section(accessory=button(value="v" * 2001))])
    too_many = [button(action_id=f"a{i}") for i in range(26)]
    assert message_block_errors([{"type": "actions", "elements": too_many}])


def test_option_limits_and_nested_confirm() -> None:
    def select(options: list[dict[str, Any]]) -> dict[str, Any]:
        return {"type": "static_select", "action_id": "s", "options": options}

    def option(value: str, text: str = "t") -> dict[str, Any]:
        return {"text": {"type": "plain_text", "text": text}, "value": value}

    ok = [{"type": "actions", "elements": [select([option("v" * 150)])]}]
    assert message_block_errors(ok) == []
    long_value = [{"type": "actions", "elements": [select([option("v" * 151)])]}]
    assert any("value" in e for e in message_block_errors(long_value))
    long_text = [{"type": "actions", "elements": [select([option("v", "t" * 76)])]}]
    assert message_block_errors(long_text)
    many = [{"type": "actions", "elements": [select([option(str(i)) for i in range(101)])]}]
    assert message_block_errors(many)
    grouped = {
        "type": "static_select",
        "action_id": "g",
        "option_groups": [
            {"label": {"type": "plain_text", "text": "g"}, "options": [option("v" * 151)]}
        ],
    }
    assert message_block_errors([section(accessory=grouped)])
    confirm = button()
    confirm["confirm"] = {"title": {"type": "plain_text", "text": "t" * 101}}
    assert message_block_errors([{"type": "actions", "elements": [confirm]}])


def test_modal_fields() -> None:
    assert view_errors(modal("t" * 24)) == []
    assert any("title" in e for e in view_errors(modal("t" * 25)))
    view = modal()
    view["submit"] = {"type": "plain_text", "text": "s" * 25}
    view["private_metadata"] = "m" * 3001
    view["callback_id"] = "c" * 256
    assert len(view_errors(view)) == 3


def test_ids_input_and_unknown_blocks() -> None:
    duplicate = [section(block_id="b1"), section(block_id="b1")]
    assert any("not unique" in e for e in message_block_errors(duplicate))
    assert message_block_errors([section(block_id="b" * 256)])
    assert message_block_errors([{"type": "actions", "elements": [button(action_id="a" * 256)]}])
    text_input = {"type": "plain_text_input", "action_id": "t", "max_length": 3001}
    field = {"type": "input", "label": {"type": "plain_text", "text": "l"}, "element": text_input}
    assert view_errors(modal(blocks=[field]))
    text_input["max_length"] = 3000
    assert view_errors(modal(blocks=[field])) == [
        "view.submit is required when the blocks hold an input block"
    ]
    assert view_errors({**modal(blocks=[field]), "submit": SUBMIT}) == []
    # Slack refuses block types it does not know (it used to be accepted here).
    [unknown] = message_block_errors([{"type": "brand_new_block", "whatever": 1}])
    assert "unknown block type" in unknown
    context = {"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * 11}
    assert message_block_errors([context])


def test_slacks_refusals_of_empty_and_shapeless_blocks() -> None:
    """Text objects need text; a section needs text or fields; every block a known type."""
    assert message_block_errors([{"type": "section", "text": {"type": "mrkdwn", "text": ""}}])
    assert message_block_errors([{"type": "header", "text": {"type": "plain_text", "text": ""}}])
    assert message_block_errors([{"type": "section", "block_id": "empty"}])
    fields = {"type": "section", "fields": [{"type": "mrkdwn", "text": "a"}]}
    assert message_block_errors([fields]) == []
    assert message_block_errors([{"type": "divider"}, {"type": "rich_text", "elements": []}]) == []
    assert message_block_errors([{"type": "sektion", "text": {"type": "mrkdwn", "text": "x"}}])
    empty_button = {"type": "button", "action_id": "b", "text": {"type": "plain_text", "text": ""}}
    assert message_block_errors([{"type": "actions", "elements": [empty_button]}])
