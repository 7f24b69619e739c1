"""Whether a named person can hold a decision, asked of users.info before their card is posted.

Why in posting: both the request that declared the decision and the sweep that repairs a card
lost in a crash (app.jobs.cards) vet the decider right before posting; listeners re-export it.
The rule is the domain's (app.domain.people), its words the blocks' (app.blocks.replies).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from app.blocks.replies import unfit_text
from app.domain import people


def decider_problem(
    client: WebClient,
    user_id: str,
    seen: Callable[[str, Mapping[str, Any] | None], None] | None = None,
) -> str | None:
    """Why this user cannot hold a decision, in words, or None when they can. `seen` is
    handed the profile Slack answered with (the names store keeps the person's name)."""
    try:
        profile = client.users_info(user=user_id)["user"]
    except SlackApiError as exc:
        if exc.response.get("error") not in {"user_not_found", "users_not_found"}:
            raise
        profile = None
    if seen is not None:
        seen(user_id, profile)
    why = people.unfit_to_decide(user_id, profile)
    return unfit_text(user_id, why) if why else None
