"""Words for a person when Slack refuses what the bot tried to post.

Why here: what people read is written in app/blocks; app.posting.send reads Slack's error code
from the refusal and asks this module how to say it.

Slack answers `channel_not_found` both for a private channel the bot is not in and for a DM or
group DM between people, which no bot can join. The id does not always tell them apart (group
DMs have C or G ids); the `channel_name` Slack puts in commands and shortcuts does:
`directmessage`, `mpdm-…` or `privategroup`. Without it the advice covers both, so it never
asks for something impossible there.
"""

from __future__ import annotations

from app.blocks.text import escape

INVITE = "Invite me with `/invite @Deference`, then try again."
CHANNEL_PROBLEMS = {
    "not_in_channel": "I'm not in this channel, so I can't post the card. " + INVITE,
    "channel_not_found": "I can't see this conversation. If it's a private channel, invite me "
    "(`/invite @Deference`) and try again; a direct message or group DM between people can't "
    "have me in it, so run this in a channel I'm in or in your direct message with me.",
    "is_archived": "This channel is archived, so I can't post there.",
}
PRIVATE_CHANNEL = "I'm not in this private channel, so I can't post the card here. " + INVITE
# A DM or group DM between people (the bot's own DM with someone always works): no invite
# can help.
DM_BETWEEN_PEOPLE = (
    "I can't post in a direct message between people, and nobody can invite me there. "
    "Run this in a channel I'm in, or in your direct message with me."
)


def conversation_kind(channel_id: str | None, channel_name: str | None) -> str | None:
    """ "people" (a DM or group DM between people), "private", or None when unknown."""
    name = channel_name or ""
    if (channel_id or "")[:1] == "D" or name == "directmessage" or name.startswith("mpdm-"):
        return "people"
    return "private" if name == "privategroup" else None


def refusal_text(error: str, channel_id: str | None = None, channel_name: str | None = None) -> str:
    """What to tell a person about Slack's error code `error` (e.g. "not_in_channel"), in the
    conversation `channel_id` (named `channel_name` in the request, when known)."""
    if error == "channel_not_found":
        kind = conversation_kind(channel_id, channel_name)
        if kind == "people":
            return DM_BETWEEN_PEOPLE
        if kind == "private":
            return PRIVATE_CHANNEL
    return CHANNEL_PROBLEMS.get(
        error, f"Slack refused the message (`{escape(error)}`). Please try again in a moment."
    )
