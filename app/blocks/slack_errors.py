"""Words for a person when Slack refuses what the bot tried to post.

Why here: what people read is written in app/blocks; app.posting.send reads Slack's error code
from the refusal and asks this module how to say it.
"""

from __future__ import annotations

CHANNEL_PROBLEMS = {
    "not_in_channel": "I'm not in this channel, so I can't post the card. "
    "Invite me with `/invite @Deference`, then try again.",
    "channel_not_found": "I can't post in this conversation: private channels and direct messages "
    "need me invited first (`/invite @Deference`). Or use a channel I'm in.",
    "is_archived": "This channel is archived, so I can't post there.",
}


def refusal_text(error: str) -> str:
    """What to tell a person about Slack's error code `error` (e.g. "not_in_channel")."""
    return CHANNEL_PROBLEMS.get(
        error, f"Slack refused the message (`{error}`). Please try again in a moment."
    )
