"""Who a Slack user id belongs to, asked of users.info when a decider is named."""

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
