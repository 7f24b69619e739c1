"""Writing the charter canvas: create (or adopt) the channel's canvas, and replace each of its
parts in place whenever the charter changes.

Each part starts with its own level-two heading (app.blocks.canvas); canvases.sections.lookup
finds that heading's section, canvases.edit replaces it (one change per call, as Slack
allows), and a part the canvas lacks (a canvas someone made by hand before) is added at the
end. Nothing else on the canvas is touched.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session, sessionmaker

from app.blocks.canvas import TITLE, canvas_parts
from app.domain import canvas
from app.domain.clock import Clock

log = logging.getLogger(__name__)

Parts = list[tuple[str, str]]


def _content(markdown: str) -> dict[str, str]:
    return {"type": "markdown", "markdown": markdown}


def create_or_find(client: WebClient, channel_id: str, parts: Parts) -> tuple[str, bool]:
    """The channel canvas's id, and whether it was made now. A channel that already has a
    canvas keeps it: the charter's parts are written into it instead."""
    try:
        answer = client.conversations_canvases_create(
            channel_id=channel_id,
            title=TITLE,
            document_content=_content("\n\n".join(markdown for _, markdown in parts)),
        )
        return str(answer["canvas_id"]), True
    except SlackApiError as exc:
        if exc.response.get("error") != "channel_canvas_already_exists":
            raise
    info = client.conversations_info(channel=channel_id)["channel"]
    canvas_id = str(info["properties"]["canvas"]["file_id"])
    write_parts(client, canvas_id, parts)
    return canvas_id, False


def write_parts(client: WebClient, canvas_id: str, parts: Parts) -> None:
    for heading, markdown in parts:
        found = (
            client.canvases_sections_lookup(
                canvas_id=canvas_id, criteria={"section_types": ["h2"], "contains_text": heading}
            ).get("sections")
            or []
        )
        if found:
            change = {"operation": "replace", "section_id": found[0]["id"]}
        else:
            change = {"operation": "insert_at_end"}
        client.canvases_edit(
            canvas_id=canvas_id, changes=[{**change, "document_content": _content(markdown)}]
        )


def refresh_charter_canvases(
    client: WebClient, sessions: sessionmaker[Session], clock: Clock, team_id: str
) -> int:
    """Rewrite every charter canvas of the team from the charter as it is now; the number
    rewritten. A canvas Slack refuses (deleted, the bot left the channel) is logged and
    skipped: the change to the charter itself stands."""
    with sessions() as session:
        found = canvas.of_team(session, team_id)
        if not found:
            return 0
        parts = canvas_parts(canvas.mirror(session, team_id, clock.now()))
        session.rollback()  # mirror() may create an empty charter row: nothing to keep
    written = 0
    for channel_id, canvas_id in found:
        try:
            write_parts(client, canvas_id, parts)
            written += 1
        except SlackApiError as exc:
            log.warning(
                "charter canvas %s in %s not updated: %s",
                canvas_id,
                channel_id,
                exc.response.get("error"),
            )
    return written
