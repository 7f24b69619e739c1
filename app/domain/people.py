"""Who may hold a decision or edit as an admin, judged from the profile Slack gives
(users.info); listeners fetch the profile outside any transaction and ask here."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

SLACKBOT = "USLACKBOT"


class Unfit(enum.Enum):
    """Why someone cannot decide; blocks/replies.py words it."""

    UNKNOWN = "unknown"  # not in this workspace
    APP = "app"  # a bot or Slackbot
    GONE = "gone"  # deactivated


def unfit_to_decide(user_id: str, profile: Mapping[str, Any] | None) -> Unfit | None:
    """Why this user cannot hold a decision (None: they can). `profile` None: not found."""
    if profile is None:
        return Unfit.UNKNOWN
    if profile.get("is_bot") or user_id == SLACKBOT:
        return Unfit.APP
    if profile.get("deleted"):
        return Unfit.GONE
    return None


def is_admin(profile: Mapping[str, Any]) -> bool:
    """Workspace admins and owners: the charter's default editors."""
    return bool(profile.get("is_admin") or profile.get("is_owner"))
