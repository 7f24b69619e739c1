"""Sending to Slack what every other posting module shares: telling one person something
privately, updating a message in place, and explaining Slack's refusals.

Why one module: cards, polls, scheduled posts, listeners and the error handler all do these
things; each used to reach into whichever posting module happened to hold them first.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block
from slack_sdk.models.metadata import Metadata
from slack_sdk.webhook import WebhookClient

from app.blocks.slack_errors import refusal_text

log = logging.getLogger(__name__)


def slack_error_code(exc: SlackApiError) -> str:
    """Slack's error code from a refused call ("not_in_channel"), "unknown_error" if none."""
    return str(exc.response.get("error", "unknown_error"))


def explain_slack_error(exc: SlackApiError, channel_id: str | None = None) -> str:
    """What to tell the person whose request Slack refused in the conversation `channel_id`."""
    return refusal_text(slack_error_code(exc), channel_id)


def tell(
    client: WebClient,
    *,
    user_id: str,
    text: str,
    blocks: list[Block] | None = None,
    response_url: str | None = None,
    channel_id: str | None = None,
) -> None:
    """Say something only `user_id` sees: through the response_url when there is one, else an
    ephemeral message in the channel, else a direct message from the app."""
    if response_url:
        WebhookClient(response_url, timeout=10).send(
            text=text, blocks=blocks, response_type="ephemeral", replace_original=False
        )
        return
    if channel_id:
        try:
            client.chat_postEphemeral(channel=channel_id, user=user_id, text=text, blocks=blocks)
            return
        except SlackApiError as exc:
            log.info("ephemeral to %s in %s failed (%s); sending a DM", user_id, channel_id, exc)
    client.chat_postMessage(channel=user_id, text=text, blocks=blocks)


def update_message(
    client: WebClient,
    channel: str,
    ts: str,
    text: str,
    blocks,
    *,
    what: str | None = None,
    metadata: Metadata | None = None,
) -> bool:
    """Redraw a message in place (with its new `metadata`, for messages that carry some).
    False when Slack refused: logged as `what` (the message by default), and the database
    change that prompted the redraw still stands."""
    extra = {"metadata": metadata} if metadata is not None else {}
    try:
        client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks, **extra)
    except SlackApiError as exc:
        what = what or f"message {ts} in {channel}"
        log.warning("%s not updated: %s", what, exc.response.get("error"))
        return False
    return True
