"""Channel canvases: conversations.canvases.create, canvases.sections.lookup, canvases.edit.

Slack's documented rules modelled here (docs.slack.dev reference pages of the three methods):
- conversations.canvases.create needs `canvases:write`, a channel the bot can post in, and
  refuses a channel that already has one (`channel_canvas_already_exists`); conversations.info
  then names the canvas in `channel.properties.canvas.file_id`; markdown is at most 1 MiB;
- canvases.sections.lookup needs `canvases:read`; criteria are `section_types` (1 to 3 of
  `any_header`, `h1`, `h2`, `h3`) and/or `contains_text`;
- canvases.edit needs `canvases:write` and takes one change per call (`insert_after`,
  `insert_before`, `insert_at_start`, `insert_at_end`, `replace`, `delete`); `replace`
  without a section replaces the whole canvas.

Not documented, so chosen here and kept strict: a section is a heading with everything under
it up to the next heading (text before the first heading is a section of its own), so
replacing a heading's section replaces that part of the canvas; `contains_text` matches the
heading's text exactly as typed (case-sensitive); an unknown section id is
`canvas_editing_failed`.
"""

from __future__ import annotations

import copy
import re
import secrets
from typing import Any

from app.standin.state import StandInState

Json = dict[str, Any]
MAX_MARKDOWN = 1_048_576
OPERATIONS = ("insert_after", "insert_before", "insert_at_start", "insert_at_end", "replace")
SECTION_TYPES = ("any_header", "h1", "h2", "h3")
_HEADING = re.compile(r"^(#{1,3}) +(.*\S)\s*$")


def _fail(error: str) -> Json:
    return {"ok": False, "error": error}


def parse_sections(markdown: str) -> list[Json]:
    """The markdown as sections: {"kind": h1|h2|h3|text, "heading": str, "markdown": str}."""
    sections: list[Json] = []
    for line in markdown.splitlines():
        heading = _HEADING.match(line)
        if heading:
            level = f"h{len(heading.group(1))}"
            sections.append({"kind": level, "heading": heading.group(2), "lines": [line]})
        elif sections:
            sections[-1]["lines"].append(line)
        elif line.strip():
            sections.append({"kind": "text", "heading": "", "lines": [line]})
    return [
        {
            "id": f"temp:C:{secrets.token_hex(14).upper()}",
            "kind": s["kind"],
            "heading": s["heading"],
            "markdown": "\n".join(s["lines"]).strip("\n"),
        }
        for s in sections
    ]


def _markdown_of(content: Any) -> str | None:
    if not isinstance(content, dict) or content.get("type") != "markdown":
        return None
    text = content.get("markdown")
    return text if isinstance(text, str) and len(text) <= MAX_MARKDOWN else None


class Canvases(StandInState):
    """Canvases by id, and which channel has which (guarded by ``self._cond``)."""

    def _init_canvases(self) -> None:
        self._canvases: dict[str, Json] = {}
        self._channel_canvases: dict[str, str] = {}

    # -- for tests ---------------------------------------------------------------------------

    def canvas(self, canvas_id: str) -> Json:
        """A canvas: id, channel_id, title, sections, and `markdown` (the whole document)."""
        with self._cond:
            found = copy.deepcopy(self._canvases[canvas_id])
        found["markdown"] = "\n\n".join(s["markdown"] for s in found["sections"])
        return found

    def channel_canvas(self, channel_id: str) -> str | None:
        with self._cond:
            return self._channel_canvases.get(channel_id)

    def add_channel_canvas(self, channel_id: str, markdown: str, title: str = "") -> str:
        """A channel canvas someone made by hand before the bot was asked for one."""
        with self._cond:
            return self._new_canvas(channel_id, title, markdown)

    # -- Web API -----------------------------------------------------------------------------

    def _new_canvas(self, channel_id: str, title: str, markdown: str) -> str:
        canvas_id = f"F{secrets.token_hex(5).upper()}"
        self._canvases[canvas_id] = {
            "id": canvas_id,
            "channel_id": channel_id,
            "team_id": self._caller().id,
            "title": title,
            "sections": parse_sections(markdown),
            "edits": 0,
        }
        self._channel_canvases[channel_id] = canvas_id
        return canvas_id

    def _m_conversations_canvases_create(self, p: Json) -> Json:
        channel = p.get("channel_id")
        kind = self.conversation_kind(channel) if isinstance(channel, str) else None
        if kind is None:
            return _fail("channel_not_found")
        if channel in self.archived:
            return _fail("is_archived")
        if not self.bot_is_member(channel):
            return _fail("not_in_channel" if kind == "public" else "channel_not_found")
        if channel in self._channel_canvases:
            return _fail("channel_canvas_already_exists")
        content = p.get("document_content")
        markdown = "" if content is None else _markdown_of(content)
        if markdown is None:
            return _fail("invalid_arguments")
        title = p.get("title") if isinstance(p.get("title"), str) else ""
        return {"ok": True, "canvas_id": self._new_canvas(channel, title, markdown)}

    def _canvas_for(self, p: Json) -> tuple[Json | None, Json | None]:
        found = self._canvases.get(str(p.get("canvas_id") or ""))
        if found is None or found["team_id"] != self._caller().id:
            return None, _fail("canvas_not_found")
        return found, None

    def _m_canvases_sections_lookup(self, p: Json) -> Json:
        canvas, refusal = self._canvas_for(p)
        if canvas is None:
            return refusal or _fail("canvas_not_found")
        criteria = p.get("criteria")
        if not isinstance(criteria, dict):
            return _fail("invalid_arguments")
        types, text = criteria.get("section_types"), criteria.get("contains_text")
        if types is None and text is None:
            return _fail("invalid_arguments")
        if types is not None and (
            not isinstance(types, list)
            or not 1 <= len(types) <= 3
            or any(t not in SECTION_TYPES for t in types)
        ):
            return _fail("invalid_arguments")
        if text is not None and (not isinstance(text, str) or not text):
            return _fail("invalid_arguments")
        found = []
        for section in canvas["sections"]:
            is_header = section["kind"] != "text"
            if types is not None and not (
                section["kind"] in types or ("any_header" in types and is_header)
            ):
                continue
            haystack = section["heading"] if types is not None else section["markdown"]
            if text is not None and text not in haystack:
                continue
            found.append({"id": section["id"]})
        return {"ok": True, "sections": found}

    def _m_canvases_edit(self, p: Json) -> Json:
        canvas, refusal = self._canvas_for(p)
        if canvas is None:
            return refusal or _fail("canvas_not_found")
        changes = p.get("changes")
        if not isinstance(changes, list) or len(changes) != 1 or not isinstance(changes[0], dict):
            return _fail("invalid_arguments")  # one operation per call
        change = changes[0]
        operation, section_id = change.get("operation"), change.get("section_id")
        sections: list[Json] = canvas["sections"]
        index = next((i for i, s in enumerate(sections) if s["id"] == section_id), None)
        if section_id is not None and index is None:
            return _fail("canvas_editing_failed")
        if operation == "delete":
            if index is None:
                return _fail("invalid_arguments")
            del sections[index]
            canvas["edits"] += 1
            return {"ok": True}
        if operation not in OPERATIONS:
            return _fail("invalid_arguments")
        markdown = _markdown_of(change.get("document_content"))
        if markdown is None:
            return _fail("invalid_arguments")
        if operation in ("insert_after", "insert_before") and index is None:
            return _fail("invalid_arguments")
        _apply(sections, operation, index, parse_sections(markdown))
        canvas["edits"] += 1
        return {"ok": True}

    def channel_object(self, channel_id: str) -> dict[str, Any] | None:
        """conversations.info names the channel's canvas, as Slack does."""
        found = super().channel_object(channel_id)
        with self._cond:
            canvas_id = self._channel_canvases.get(channel_id)
        if found is not None and canvas_id is not None:
            found["properties"] = {"canvas": {"file_id": canvas_id, "is_empty": False}}
        return found


def _apply(sections: list[Json], operation: str, index: int | None, new: list[Json]) -> None:
    if operation == "replace":
        start, end = (0, len(sections)) if index is None else (index, index + 1)
        sections[start:end] = new
    elif operation == "insert_at_start":
        sections[:0] = new
    elif operation == "insert_at_end":
        sections.extend(new)
    elif index is not None:
        at = index if operation == "insert_before" else index + 1
        sections[at:at] = new
