"""Slack's hard Block Kit limits as pure functions.

Why: ``slack_sdk.models`` checks some limits when you build blocks with it, but not all of
them (the 50-block cap, duplicate block_ids, empty text) and not for hand-written dicts. The
stand-in rejects what real Slack would reject, so tests fail here instead of in production:
unknown block types, a section with neither text nor fields, text objects with no text.
Element types are not checked (Slack adds them often; a wrong one fails in slack_sdk first).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100

_ID_MAX = 255
_SELECT_TYPES = {"static_select", "multi_static_select", "radio_buttons", "checkboxes", "overflow"}


def message_block_errors(blocks: Any) -> list[str]:
    """Errors Slack would report for ``blocks`` sent with chat.postMessage and friends."""
    if blocks is None:
        return []
    if not isinstance(blocks, list):
        return ["blocks must be an array"]
    errors: list[str] = []
    if len(blocks) > MAX_MESSAGE_BLOCKS:
        errors.append(f"too many blocks: {len(blocks)} > {MAX_MESSAGE_BLOCKS} per message")
    errors.extend(_blocks_errors(blocks))
    return errors


def view_errors(view: Any, *, home: bool | None = None) -> list[str]:
    """Errors Slack would report for a modal or Home tab view object."""
    if not isinstance(view, dict):
        return ["view must be an object"]
    errors: list[str] = []
    kind = view.get("type")
    if kind not in ("modal", "home"):
        errors.append(f"view.type must be 'modal' or 'home', got {kind!r}")
    if home is True and kind != "home":
        errors.append("views.publish requires a view of type 'home'")
    blocks = view.get("blocks")
    if not isinstance(blocks, list):
        errors.append("view.blocks must be an array")
        blocks = []
    if len(blocks) > MAX_VIEW_BLOCKS:
        errors.append(f"too many blocks: {len(blocks)} > {MAX_VIEW_BLOCKS} per view")
    if kind == "modal":
        _modal_errors(errors, view, blocks)
    _length(errors, "view.private_metadata", view.get("private_metadata"), 3000)
    _length(errors, "view.callback_id", view.get("callback_id"), _ID_MAX)
    _length(errors, "view.external_id", view.get("external_id"), _ID_MAX)
    errors.extend(_blocks_errors(blocks))
    return errors


def _modal_errors(errors: list[str], view: dict[str, Any], blocks: list[Any]) -> None:
    title = view.get("title")
    if not isinstance(title, dict):
        errors.append("view.title is required for modals")
    else:
        _text(errors, "view.title", title, 24)
    for key in ("submit", "close"):
        if view.get(key) is not None:
            _text(errors, f"view.{key}", view[key], 24)
    # "submit is required when an input block is within the blocks array"
    # (api.slack.com/reference/block-kit/views, modal view fields)
    has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in blocks)
    if has_input and view.get("submit") is None:
        errors.append("view.submit is required when the blocks hold an input block")


def iter_elements(blocks: Iterable[Any]) -> Iterable[tuple[dict[str, Any], dict[str, Any]]]:
    """Yield ``(block, element)`` for every interactive element; shared with the workspace."""
    for block in blocks:
        if not isinstance(block, dict):
            continue
        candidates: list[Any] = []
        if block.get("type") == "actions":
            candidates.extend(block.get("elements") or [])
        if isinstance(block.get("accessory"), dict):
            candidates.append(block["accessory"])
        if isinstance(block.get("element"), dict):
            candidates.append(block["element"])
        for element in candidates:
            if isinstance(element, dict):
                yield block, element


def _blocks_errors(blocks: list[Any]) -> list[str]:
    errors: list[str] = []
    seen: set[str] = set()
    for index, block in enumerate(blocks):
        where = f"blocks[{index}]"
        if not isinstance(block, dict):
            errors.append(f"{where} must be an object")
            continue
        block_id = block.get("block_id")
        if block_id is not None:
            _length(errors, f"{where}.block_id", block_id, _ID_MAX)
            if block_id in seen:
                errors.append(f"{where}.block_id {block_id!r} is not unique")
            seen.add(block_id)
        _block_errors(errors, where, block)
    return errors


def _block_errors(errors: list[str], where: str, block: dict[str, Any]) -> None:
    kind = block.get("type")
    check = _BLOCK_CHECKS.get(kind) if isinstance(kind, str) else None
    if kind in _OTHER_BLOCKS:
        return
    if check is None:
        errors.append(f"{where}.type: unknown block type {kind!r}")
        return
    check(errors, where, block)


def _section(errors: list[str], where: str, block: dict[str, Any]) -> None:
    fields = block.get("fields") or []
    if block.get("text") is None and not fields:
        errors.append(f"{where}: a section needs text or fields")
    _text(errors, f"{where}.text", block.get("text"), 3000)
    if len(fields) > 10:
        errors.append(f"{where}.fields: {len(fields)} > 10 fields")
    for i, field in enumerate(fields):
        _text(errors, f"{where}.fields[{i}]", field, 2000)
    if isinstance(block.get("accessory"), dict):
        _element_errors(errors, f"{where}.accessory", block["accessory"])


def _header(errors: list[str], where: str, block: dict[str, Any]) -> None:
    if block.get("text") is None:
        errors.append(f"{where}.text is required")
    _text(errors, f"{where}.text", block.get("text"), 150)


def _context(errors: list[str], where: str, block: dict[str, Any]) -> None:
    elements = block.get("elements") or []
    if len(elements) > 10:
        errors.append(f"{where}.elements: {len(elements)} > 10 elements")
    for i, element in enumerate(elements):
        if isinstance(element, dict) and element.get("type") in ("plain_text", "mrkdwn"):
            _text(errors, f"{where}.elements[{i}]", element, 3000)


def _actions(errors: list[str], where: str, block: dict[str, Any]) -> None:
    elements = block.get("elements") or []
    if len(elements) > 25:
        errors.append(f"{where}.elements: {len(elements)} > 25 elements")
    for i, element in enumerate(elements):
        _element_errors(errors, f"{where}.elements[{i}]", element)


def _input(errors: list[str], where: str, block: dict[str, Any]) -> None:
    _text(errors, f"{where}.label", block.get("label"), 2000)
    _text(errors, f"{where}.hint", block.get("hint"), 2000)
    if isinstance(block.get("element"), dict):
        _element_errors(errors, f"{where}.element", block["element"])


def _image(errors: list[str], where: str, block: dict[str, Any]) -> None:
    _length(errors, f"{where}.image_url", block.get("image_url"), 3000)


_BLOCK_CHECKS = {
    "section": _section,
    "header": _header,
    "context": _context,
    "actions": _actions,
    "input": _input,
    "image": _image,
}
#: Block types Slack's Block Kit reference lists that the stand-in accepts unchecked.
_OTHER_BLOCKS = {
    "divider",
    "file",
    "rich_text",
    "video",
    "markdown",
    "call",
    "table",
    "context_actions",
}


def _element_errors(errors: list[str], where: str, element: Any) -> None:
    if not isinstance(element, dict):
        errors.append(f"{where} must be an object")
        return
    kind = element.get("type")
    _length(errors, f"{where}.action_id", element.get("action_id"), _ID_MAX)
    if kind == "button":
        _text(errors, f"{where}.text", element.get("text"), 75)
        _length(errors, f"{where}.value", element.get("value"), 2000)
        _length(errors, f"{where}.url", element.get("url"), 3000)
    elif kind == "plain_text_input":
        max_length = element.get("max_length")
        if isinstance(max_length, int) and max_length > 3000:
            errors.append(f"{where}.max_length: {max_length} > 3000")
    if kind in _SELECT_TYPES or "options" in element or "option_groups" in element:
        _options_errors(errors, where, element)
    if isinstance(element.get("confirm"), dict):
        _confirm_errors(errors, f"{where}.confirm", element["confirm"])


def _options_errors(errors: list[str], where: str, element: dict[str, Any]) -> None:
    options = list(element.get("options") or [])
    groups = element.get("option_groups") or []
    if len(groups) > 100:
        errors.append(f"{where}.option_groups: {len(groups)} > 100 groups")
    if len(options) > 100:
        errors.append(f"{where}.options: {len(options)} > 100 options")
    for g, group in enumerate(groups):
        group_options = group.get("options") or [] if isinstance(group, dict) else []
        if len(group_options) > 100:
            errors.append(f"{where}.option_groups[{g}].options: {len(group_options)} > 100")
        if isinstance(group, dict):
            _text(errors, f"{where}.option_groups[{g}].label", group.get("label"), 75)
        for i, option in enumerate(group_options):
            _option_errors(errors, f"{where}.option_groups[{g}].options[{i}]", option)
    for i, option in enumerate(options):
        _option_errors(errors, f"{where}.options[{i}]", option)
    for key in ("initial_option",):
        if isinstance(element.get(key), dict):
            _option_errors(errors, f"{where}.{key}", element[key])


def _option_errors(errors: list[str], where: str, option: Any) -> None:
    if not isinstance(option, dict):
        errors.append(f"{where} must be an object")
        return
    _text(errors, f"{where}.text", option.get("text"), 75)
    _length(errors, f"{where}.value", option.get("value"), 150)
    _text(errors, f"{where}.description", option.get("description"), 75)
    _length(errors, f"{where}.url", option.get("url"), 3000)


def _confirm_errors(errors: list[str], where: str, confirm: dict[str, Any]) -> None:
    _text(errors, f"{where}.title", confirm.get("title"), 100)
    _text(errors, f"{where}.text", confirm.get("text"), 300)
    _text(errors, f"{where}.confirm", confirm.get("confirm"), 30)
    _text(errors, f"{where}.deny", confirm.get("deny"), 30)


def _text(errors: list[str], where: str, text: Any, limit: int) -> None:
    """Check a text object (or a bare string, which Slack rejects elsewhere) against ``limit``."""
    if text is None:
        return
    value = text.get("text") if isinstance(text, dict) else text
    if isinstance(text, dict) and not value:
        errors.append(f"{where}: a text object needs non-empty text")
    _length(errors, where, value, limit)


def _length(errors: list[str], where: str, value: Any, limit: int) -> None:
    if isinstance(value, str) and len(value) > limit:
        errors.append(f"{where}: {len(value)} characters > {limit}")
