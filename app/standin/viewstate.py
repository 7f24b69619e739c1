"""Slack's ``view.state.values`` for a submitted modal, from plain Python values.

Why: tests say ``{"due": {"pick": date(2024, 5, 1)}}``; the bot must receive exactly what
Slack sends (``selected_date: "2024-05-01"``, ``selected_option: {text, value}``, nulls
for untouched inputs), so the shape is derived from each element's type in the view.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from app.standin.blockkit import iter_elements

Json = dict[str, Any]

_VALUE_TYPES = {"plain_text_input", "email_text_input", "url_text_input", "number_input"}
_SINGLE = {
    "users_select": "selected_user",
    "conversations_select": "selected_conversation",
    "channels_select": "selected_channel",
    "datepicker": "selected_date",
    "timepicker": "selected_time",
    "datetimepicker": "selected_date_time",
}
_MULTI = {
    "multi_users_select": "selected_users",
    "multi_conversations_select": "selected_conversations",
    "multi_channels_select": "selected_channels",
}
OPTION_TYPES = {"static_select", "external_select", "radio_buttons"}
_OPTIONS = {"multi_static_select", "multi_external_select", "checkboxes"}


def find_option(element: Json, value: Any) -> Json:
    """The option dict of ``element`` whose value is ``value`` (or ``value`` if a dict)."""
    if isinstance(value, dict):
        return copy.deepcopy(value)
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options.extend(group.get("options") or [])
    for option in options:
        if option.get("value") == value:
            return copy.deepcopy(option)
    raise ValueError(f"no option with value {value!r} in {element.get('action_id')!r}")


def view_state(view: Json, values: Json) -> Json:
    """Slack's ``state.values`` for ``view``: every input block, plus the values given."""
    state: Json = {}
    unused = {b: set(a) for b, a in values.items()}
    for block, element in iter_elements(view.get("blocks") or []):
        block_id, action_id = block.get("block_id"), element.get("action_id")
        given = values.get(block_id, {})
        if not block_id or not action_id:
            continue
        if block.get("type") != "input" and action_id not in given:
            continue
        unused.get(block_id, set()).discard(action_id)
        state.setdefault(block_id, {})[action_id] = element_state(element, given.get(action_id))
    leftovers = {b: sorted(a) for b, a in unused.items() if a}
    if leftovers:
        raise ValueError(f"values name elements the view does not have: {leftovers}")
    return {"values": state}


def element_state(element: Json, value: Any) -> Json:
    """The state entry for one element holding ``value`` (None = left empty)."""
    kind = str(element.get("type"))
    out: Json = {"type": kind}
    if kind in _VALUE_TYPES:
        out["value"] = None if value is None else str(value)
    elif kind in _SINGLE:
        out[_SINGLE[kind]] = _scalar(kind, value)
    elif kind in _MULTI:
        out[_MULTI[kind]] = list(value or [])
    elif kind in OPTION_TYPES:
        out["selected_option"] = None if value is None else find_option(element, value)
    elif kind in _OPTIONS:
        out["selected_options"] = [find_option(element, v) for v in value or []]
    elif kind == "rich_text_input":
        out["rich_text_value"] = _rich_text(value)
    else:
        out["value"] = value
    return out


def _scalar(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "datetimepicker":
        return int(value.timestamp()) if isinstance(value, dt.datetime) else int(value)
    if kind == "timepicker" and isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if kind == "datepicker" and isinstance(value, dt.date):
        return value.isoformat()
    return value


def _rich_text(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    section = {"type": "rich_text_section", "elements": [{"type": "text", "text": value}]}
    return {"type": "rich_text", "elements": [section]}
