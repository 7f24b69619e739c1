"""Words for a person when Slack refuses what the bot tried to post.

Why here: what people read is written in app/blocks; app.posting.send reads Slack's error code
from the refusal and asks this module how to say it.
"""

from __future__ import annotations

from app.blocks.text import escape

CHANNEL_PROBLEMS = {
    "not_in_channel": "I'm not in this channel, so I can't post the card. "
    "Invite me with `/invite @Deference`, then try again.",
    "channel_not_found": "I can't post in this conversation: private channels and direct messages "
    "need me invited first (`/invite @Deference`). Or use a channel I'm in.",
    "is_archived": "This channel is archived, so I can't post there.",
}
# A DM between people (the bot's own DM with someone always works): no invite can help.
DM_BETWEEN_PEOPLE = (
    "I can't post in a direct message between people, and nobody can invite me there. "
    "Run this in a channel I'm in, or in your direct message with me."
)


def refusal_text(error: str, channel_id: str | None = None) -> str:
    """What to tell a person about Slack's error code `error` (e.g. "not_in_channel"), in the
    conversation `channel_id` it happened in."""
    if error == "channel_not_found" and (channel_id or "")[:1] == "D":
        return DM_BETWEEN_PEOPLE
    return CHANNEL_PROBLEMS.get(
        error, f"Slack refused the message (`{escape(error)}`). Please try again in a moment."
    )
