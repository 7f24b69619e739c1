"""Block Kit as terminal text: sections, fields, context and numbered buttons.

Pure: dicts in, lines out. Buttons and selects get numbers the person types to click them;
`Control` remembers what each number does.
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

EMOJI = {
    ":scales:": "⚖",
    ":white_check_mark:": "✅",
    ":large_yellow_circle:": "🟡",
    ":large_orange_circle:": "🟠",
    ":no_entry_sign:": "🚫",
    ":arrows_counterclockwise:": "🔄",
    ":warning:": "⚠",
    ":card_index_dividers:": "🗂",
    ":bar_chart:": "📊",
    ":trophy:": "🏆",
    ":hourglass_flowing_sand:": "⏳",
    ":alarm_clock:": "⏰",
    ":sunrise:": "🌅",
    ":mag:": "🔍",
    ":raised_hand:": "✋",
    ":hourglass:": "⌛",
    ":tada:": "🎉",
    ":shield:": "🛡",
    ":arrow_up:": "⬆",
    ":busts_in_silhouette:": "👥",
    ":repeat:": "🔁",
    ":envelope:": "✉",
    ":scroll:": "📜",
    ":pencil2:": "✏",
    ":handshake:": "🤝",
    ":x:": "❌",
    ":link:": "🔗",
    ":arrow_right_hook:": "↪",
    ":leftwards_arrow_with_hook:": "↩",
}
WIDTH = 78


@dataclass(frozen=True)
class Control:
    """A clickable thing on screen: which message or view it sits in, and what it sends."""

    kind: str  # "button" | "users_select" | "static_select" | "overflow"
    action_id: str
    label: str
    value: str | None
    message: dict | None
    options: tuple[tuple[str, str], ...] = ()  # (value, text) for static selects
    view: dict | None = None  # set when the control sits in a view (the Home tab)
    ephemeral: dict | None = None  # {"channel", "message_ts"}: on a message only you can see


Names = Callable[[str], str]


QUOTE = "┃ "


def mrkdwn(text: str, names: Names, tz: str = "UTC", channels: Names | None = None) -> str:
    """Slack's markup as a person would read it: names for ids and channels, local times,
    link labels, quotes as a bar (Slack draws one) rather than a raw `>`."""
    channel = channels or (lambda cid: cid)

    def date(match: re.Match) -> str:
        moment = datetime.fromtimestamp(int(match.group(1)), UTC).astimezone(ZoneInfo(tz))
        style = match.group(2)
        if "{time}" in style and "{date" in style:
            return moment.strftime("%a %d %b %H:%M")
        if "{time}" in style:
            return moment.strftime("%H:%M")
        return moment.strftime("%a %d %b")

    text = re.sub(r"<!date\^(\d+)\^([^|>]*)(?:\|[^>]*)?>", date, text)
    text = re.sub(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>", lambda m: "@" + names(m.group(1)), text)
    text = re.sub(
        r"<#([CGD][A-Z0-9]+)(?:\|([^>]*))?>",
        lambda m: "#" + (m.group(2) or channel(m.group(1))),
        text,
    )
    text = re.sub(r"(?m)^(?:&gt;|>) ?", QUOTE, text)
    text = re.sub(r"<!(here|channel|everyone)(?:\|[^>]*)?>", r"@\1", text)
    text = re.sub(r"<(https?://[^|>]+)\|([^>]+)>", r"\2", text)
    text = re.sub(r"<(https?://[^>]+)>", r"\1", text)
    for code, symbol in EMOJI.items():
        text = text.replace(code, symbol)
    text = re.sub(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])", r"\1", text)  # *bold*
    text = re.sub(r"(?<![\w_])_([^_\n]+)_(?![\w_])", r"\1", text)  # _italic_
    return html.unescape(text)


def _text(obj: dict | str | None, names: Names, tz: str, channels: Names | None = None) -> str:
    if obj is None:
        return ""
    if isinstance(obj, str):
        return obj
    raw = obj.get("text", "")
    return mrkdwn(raw, names, tz, channels) if obj.get("type") == "mrkdwn" else html.unescape(raw)


def _wrap(text: str, indent: str = "  ") -> list[str]:
    lines: list[str] = []
    for line in text.splitlines() or [""]:
        lines.extend(
            textwrap.wrap(line, WIDTH, initial_indent=indent, subsequent_indent=indent)
            or [indent.rstrip()]
        )
    return lines


class Screen:
    """Renders blocks, numbering controls from 1 on each new screenful."""

    def __init__(self, names: Names, tz: str = "UTC", channels: Names | None = None) -> None:
        self.names = names
        self.tz = tz
        self.channels = channels  # channel id -> name without '#', as Slack shows <#C…>
        self._view: dict | None = None
        self._ephemeral: dict | None = None
        self.controls: dict[int, Control] = {}
        self._numbers: dict[tuple, int] = {}

    def _number(self, control: Control) -> int:
        """The same button on the same message keeps its number however often it is redrawn."""
        where = _where(control.message, control.ephemeral, control.view)
        key = (where, control.action_id, control.value)
        number = self._numbers.setdefault(key, len(self._numbers) + 1)
        self.controls[number] = control
        return number

    def find(self, match: Callable[[Control], bool]) -> int | None:
        """The highest-numbered (most recently drawn) control on screen that matches."""
        found = [n for n, control in self.controls.items() if match(control)]
        return max(found) if found else None

    @property
    def highest(self) -> int:
        return len(self._numbers)

    def forget(self, where: tuple) -> None:
        """A redrawn message or view: its old buttons stop working until drawn again."""
        for key, number in self._numbers.items():
            if key[0] == where:
                self.controls.pop(number, None)

    def blocks(
        self,
        blocks: list[dict],
        message: dict | None = None,
        view: dict | None = None,
        ephemeral: dict | None = None,
    ) -> list[str]:
        """Lines for ``blocks`` of a message, a view (the Home tab) or an ephemeral message
        ({"channel", "message_ts"}); their controls click that very container."""
        if message is not None or view is not None or ephemeral is not None:
            self.forget(_where(message, ephemeral, view))
        self._view, self._ephemeral = view, ephemeral
        lines: list[str] = []
        for block in blocks:
            lines.extend(self._block(block, message))
        return lines

    def _block(self, block: dict, message: dict | None) -> list[str]:
        kind = block.get("type")
        text = lambda obj: _text(obj, self.names, self.tz, self.channels)  # noqa: E731
        if kind == "header":
            return [f"  {text(block.get('text')).upper()}"]
        if kind == "divider":
            return ["  " + "─" * 40]
        if kind == "context":
            return _wrap(
                " · ".join(text(e) for e in block.get("elements", []) if "text" in e), "    "
            )
        if kind == "section":
            lines = _wrap(text(block.get("text"))) if block.get("text") else []
            fields = [text(f).replace("\n", ": ", 1) for f in block.get("fields", [])]
            for i in range(0, len(fields), 2):
                lines.extend(_wrap("   ".join(fields[i : i + 2])))
            if block.get("accessory"):
                lines.append(self._controls([block["accessory"]], message))
            return lines
        if kind == "actions":
            return [self._controls(block.get("elements", []), message)]
        if kind == "input":
            return [f"  • {text(block.get('label'))}"]
        if kind == "image":
            return [f"  [image: {block.get('alt_text', '')}]"]
        return []

    def _controls(self, elements: list[dict], message: dict | None) -> str:
        shown, menus = [], []  # menus with their options listed go on lines of their own
        for element in elements:
            kind = element.get("type")
            if kind == "button":
                label = _text(element.get("text"), self.names, self.tz)
                n = self._number(
                    Control(
                        "button",
                        element["action_id"],
                        label,
                        element.get("value"),
                        message,
                        view=self._view,
                        ephemeral=self._ephemeral,
                    )
                )
                shown.append(f"[{n}] {label}")
            elif kind in ("users_select", "static_select", "overflow"):
                label = _text(element.get("placeholder"), self.names, self.tz) or (
                    "⋯ More" if kind == "overflow" else "choose"
                )
                options = tuple(
                    (o["value"], _text(o["text"], self.names, self.tz))
                    for o in element.get("options", [])
                )
                n = self._number(
                    Control(
                        kind,
                        element["action_id"],
                        label,
                        None,
                        message,
                        options,
                        view=self._view,
                        ephemeral=self._ephemeral,
                    )
                )
                if kind == "users_select":
                    shown.append(f"[{n}] {label} (type: {n} @name)")
                else:  # the options in view, as Slack lists them when the menu opens
                    listed = ", ".join(f"{i} {t}" for i, (_, t) in enumerate(options, 1))
                    menus.append(f"[{n}] {label}: {listed} (type: {n} <option number>)")
        return "\n".join("  " + line for line in ["   ".join(shown), *menus] if line)


def _where(message: dict | None, ephemeral: dict | None, view: dict | None) -> tuple:
    """Which container a control sits in: a message, an ephemeral message, or a view."""
    if message is not None:
        return message.get("channel"), message.get("ts")
    if ephemeral is not None:
        return ephemeral.get("channel"), ephemeral.get("message_ts")
    return "view", (view or {}).get("type")
