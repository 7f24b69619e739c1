"""Safe mrkdwn from user text, and Slack's date formatting."""

from __future__ import annotations

import re
from datetime import datetime

_MENTION = re.compile(r"&lt;@([UW][A-Z0-9]+)&gt;")


def escape(text: str) -> str:
    """Escape user text for mrkdwn, keeping plain user mentions (<@U123>) clickable.

    Without this a title like "<!channel>" or "<https://evil|click>" would ping or disguise links.
    """
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MENTION.sub(r"<@\1>", escaped)


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def user(user_id: str | None, missing: str = "_no decider yet_") -> str:
    return f"<@{user_id}>" if user_id else missing


def date(moment: datetime, style: str = "{date_short_pretty} at {time}") -> str:
    """Rendered by Slack in each reader's own time zone, with a UTC fallback."""
    fallback = moment.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{style}|{fallback}>"
