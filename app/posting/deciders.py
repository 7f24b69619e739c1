"""Whether a named person can hold a decision, asked of users.info before their card is posted.

Why in posting: both the request that declared the decision and the sweep that repairs a card
lost in a crash (app.jobs.cards) vet the decider right before posting; listeners re-export it.
"""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError


def decider_problem(client: WebClient, user_id: str) -> str | None:
    """Why this user cannot hold a decision, or None when they can."""
    try:
        user = client.users_info(user=user_id)["user"]
    except SlackApiError as exc:
        if exc.response.get("error") in {"user_not_found", "users_not_found"}:
            return "I can't find that person in this workspace; pick a teammate."
        raise
    if user.get("is_bot") or user_id == "USLACKBOT":
        return f"<@{user_id}> is an app, not a person; pick a teammate to decide."
    if user.get("deleted"):
        return f"<@{user_id}> is no longer in this workspace; pick someone who is."
    return None
