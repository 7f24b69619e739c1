"""Message shortcuts: start a decision, or an expertise poll, from any message, in its thread."""

from __future__ import annotations

from slack_bolt import Ack, App
from slack_sdk import WebClient

from app import ids
from app.blocks.modals import DeclarePrefill, build_declare_modal
from app.blocks.polls import build_poll_modal
from app.domain.decisions import TITLE_MAX
from app.listeners.commands.grammar import plain_text, plain_title
from app.listeners.declare_form import declare_extras
from app.listeners.deps import Deps
from app.listeners.payloads import MessageShortcut


def title_from_message(text: str) -> str:
    """The message's first line, as plain text, cut at a word boundary to fit a title."""
    first = plain_title(text.strip().splitlines()[0]) if text.strip() else ""
    if len(first) <= TITLE_MAX:
        return first
    return first[: TITLE_MAX - 1].rsplit(" ", 1)[0].rstrip() + "…"


def decide_on_message(
    ack: Ack, shortcut_on: MessageShortcut, deps: Deps, client: WebClient
) -> None:
    """Open the declaration form, titled after the message, to decide in its thread."""
    ack()
    message = shortcut_on.message
    client.views_open(
        trigger_id=shortcut_on.trigger_id,
        view=build_declare_modal(
            DeclarePrefill(
                title=title_from_message(message.text), context=plain_text(message.text)
            ),
            channel_id=shortcut_on.channel.id,
            thread_ts=message.thread_ts or message.ts,
            response_url=deps.trusted_response_url(shortcut_on.response_url),
            extras=declare_extras(deps, shortcut_on.team_id),
            channel_name=shortcut_on.channel.name,
        ),
    )


def poll_on_message(ack: Ack, shortcut_on: MessageShortcut, deps: Deps, client: WebClient) -> None:
    """Open the poll form; submitting it opens a decision in the message's thread."""
    ack()
    message = shortcut_on.message
    metadata = {"channel": shortcut_on.channel.id, "thread_ts": message.thread_ts or message.ts}
    if shortcut_on.channel.name:
        metadata["channel_name"] = shortcut_on.channel.name[:100]
    if url := deps.trusted_response_url(shortcut_on.response_url):
        metadata["response_url"] = url
    client.views_open(
        trigger_id=shortcut_on.trigger_id,
        view=build_poll_modal(metadata, topic=title_from_message(message.text)),
    )


def register(app: App, deps: Deps) -> None:
    app.shortcut(ids.DECIDE_ON_MESSAGE)(decide_on_message)
    app.shortcut(ids.POLL_ON_MESSAGE)(poll_on_message)
