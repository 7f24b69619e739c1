"""Safe mrkdwn from user text, and Slack's date formatting."""

from __future__ import annotations

import re
from datetime import datetime

# After escaping, the only markup given back is a bare mention of one person or one channel:
# it renders as a name and notifies no more than the typist could by typing it themselves.
_ONE_PERSON_OR_CHANNEL = re.compile(r"&lt;(@[UW][A-Z0-9]+|#C[A-Z0-9]+)&gt;")


def escape(text: str) -> str:
    """User text made safe for every text Slack shows (mrkdwn, plain_text, a message's `text`).

    `&`, `<` and `>` become entities, so nothing a person typed can form a broadcast
    (`<!channel>`, `<!here>`, `<!everyone>`), a user-group mention (`<!subteam^…>`), a date or
    a link whose label hides its address (`<https://evil|click>`): they show literally. A bare
    mention of one person (`<@U123>`) or one channel (`<#C123>`) stays live. Every builder
    passes every piece of user text through here, once.
    """
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _ONE_PERSON_OR_CHANNEL.sub(r"<\1>", escaped)


# What a cut can leave half-written at the end: an entity (`&l`) or markup (`<@U1`).
_PARTIAL = re.compile(r"(&[a-z]*|<[^<>]*)$")


def truncate(text: str, limit: int) -> str:
    """At most `limit` characters, ending in "…" when cut; never half an entity or mention."""
    if len(text) <= limit:
        return text
    return _PARTIAL.sub("", text[: limit - 1]).rstrip() + "…"


def decision_link(number: int | None, link: str | None) -> str:
    """`#12`, linked to its card when the bot knows the card's permalink (one it built)."""
    return f"<{link}|#{number}>" if link else f"#{number}"


def user(user_id: str | None, missing: str = "_no decider yet_") -> str:
    return f"<@{user_id}>" if user_id else missing


def date(moment: datetime, style: str = "{date_short_pretty} at {time}") -> str:
    """Rendered by Slack in each reader's own time zone, with a UTC fallback."""
    fallback = moment.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{style}|{fallback}>"
