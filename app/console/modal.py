"""Filling a modal from the terminal: which fields it has, and reading typed answers.

An answer is checked here only for its shape (a known person, an existing option, a readable
time); whether the values make sense is the bot's to say, through its inline errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

TEXT, USER, CHOICE, CHOICES, WHEN, NUMBER = "text", "user", "choice", "choices", "when", "number"
KINDS = {
    "plain_text_input": TEXT,
    "users_select": USER,
    "static_select": CHOICE,
    "radio_buttons": CHOICE,
    "checkboxes": CHOICES,
    "datetimepicker": WHEN,
    "number_input": NUMBER,
}


@dataclass(frozen=True)
class Field:
    block_id: str
    action_id: str
    label: str
    kind: str
    optional: bool
    options: tuple[tuple[str, str], ...] = ()  # (value, text)
    initial: str | None = None
    hint: str = ""
    multiline: bool = False


class BadAnswer(ValueError):
    pass


def fields(view: dict) -> list[Field]:
    found = []
    for block in view.get("blocks", []):
        element = block.get("element") or {}
        if block.get("type") != "input" or element.get("type") not in KINDS:
            continue
        options = tuple((o["value"], o["text"]["text"]) for o in element.get("options", []))
        initial = element.get("initial_value") or element.get("initial_user")
        if element.get("initial_option"):
            initial = element["initial_option"]["text"]["text"]
        found.append(
            Field(
                block["block_id"],
                element["action_id"],
                block["label"]["text"],
                KINDS[element["type"]],
                bool(block.get("optional")),
                options,
                initial,
                (block.get("hint") or {}).get("text", ""),
                bool(element.get("multiline")),
            )
        )
    return found


def notes(view: dict) -> list[str]:
    """What the form says before its fields (e.g. "the first 3 are required"), as mrkdwn."""
    said = []
    for block in view.get("blocks", []):
        if block.get("type") == "input":
            break
        if block.get("type") == "section" and block.get("text"):
            said.append(block["text"].get("text", ""))
    return said


def prompt(field: Field, current: str | None = None) -> str:
    """The field's label, whether it is required, what Enter does, and how to answer."""
    need = "optional, Enter to skip" if field.optional else "required"
    if current is not None:
        need += f", Enter keeps “{current}”"
    elif field.initial and field.kind != USER:
        need += f", Enter keeps “{field.initial}”"
    hint = {
        USER: "@name",
        WHEN: "e.g. tomorrow 17:00, in 2h, 2026-12-01 09:30",
        NUMBER: "a number",
        CHOICES: "numbers separated by commas",
    }.get(field.kind, "")
    if field.kind in (CHOICE, CHOICES):
        hint = "  ".join(f"({n}) {text}" for n, (_, text) in enumerate(field.options, 1))
    if field.multiline:
        hint = "one line here; type \\n where a new line starts"
    if field.hint and field.kind not in (CHOICE, CHOICES):
        hint = f"{field.hint} ({hint})" if hint else field.hint
    return f"{field.label} [{need}]" + (f"\n    {hint}" if hint else "")


def answer(field: Field, typed: str, *, user_id, now: datetime, tz: str):
    """The Python value the stand-in's form state expects for this field, or None to skip."""
    typed = typed.strip()
    if not typed:
        return _keep(field)
    if field.kind == TEXT:
        return typed.replace("\\n", "\n")
    if field.kind == NUMBER:
        if not re.fullmatch(r"-?\d+(\.\d+)?", typed):
            raise BadAnswer("type a number")
        return typed
    if field.kind == USER:
        found = user_id(typed)
        if found is None:
            raise BadAnswer(f"nobody called {typed} here; try @alice, @bob, @carol, @dave, @erin")
        return found
    if field.kind == CHOICE:
        return _option(field, typed)
    if field.kind == CHOICES:
        return [_option(field, part) for part in typed.split(",")]
    return int(when(typed, now, tz).timestamp())


def _keep(field: Field):
    if field.initial is None:
        return None
    if field.kind == CHOICE:
        return _option(field, field.initial)
    return field.initial


def _option(field: Field, typed: str) -> str:
    typed = typed.strip()
    if typed.isdigit() and 1 <= int(typed) <= len(field.options):
        return field.options[int(typed) - 1][0]
    for value, text in field.options:
        if typed.lower() in (value.lower(), text.lower()):
            return value
    raise BadAnswer(f"choose 1 to {len(field.options)}")


_IN = re.compile(r"^(?:in\s+)?(\d+)\s*(m|h|d)$")
_AT = re.compile(r"^(today|tomorrow|\d{4}-\d{2}-\d{2})\s+(\d{1,2}):(\d{2})$")


def when(typed: str, now: datetime, tz: str) -> datetime:
    """A moment typed the way people say it, read in their own time zone."""
    typed = " ".join(typed.lower().split())
    if match := _IN.match(typed):
        unit = {"m": "minutes", "h": "hours", "d": "days"}[match.group(2)]
        return now + timedelta(**{unit: int(match.group(1))})
    if match := _AT.match(typed):
        local = now.astimezone(ZoneInfo(tz))
        day, hour, minute = match.group(1), int(match.group(2)), int(match.group(3))
        if day in ("today", "tomorrow"):
            date = local.date() + timedelta(days=1 if day == "tomorrow" else 0)
        else:
            date = datetime.strptime(day, "%Y-%m-%d").date()
        if hour > 23 or minute > 59:
            raise BadAnswer("hours go to 23 and minutes to 59")
        return datetime(date.year, date.month, date.day, hour, minute, tzinfo=ZoneInfo(tz))
    raise BadAnswer("try: tomorrow 17:00, in 2h, or 2026-12-01 09:30")
