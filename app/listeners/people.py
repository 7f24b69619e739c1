"""Who a Slack user id belongs to, asked of users.info: a person who can decide, an admin,
their time zone. Asked before any database transaction opens."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from app.domain.errors import InvalidInput
from app.domain.schedules import parse_tz


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


def is_admin(client: WebClient, user_id: str) -> bool:
    """Workspace admins and owners, as users.info says (the charter's default editors)."""
    user = client.users_info(user=user_id)["user"]
    return bool(user.get("is_admin") or user.get("is_owner"))


def members_problem(client: WebClient, user_ids) -> str | None:
    """Why one of these people cannot take part in a rotation or hold a role, or None."""
    for user_id in user_ids:
        problem = decider_problem(client, user_id)
        if problem:
            return problem
    return None


def user_tz(client: WebClient, user_id: str) -> str:
    """The person's Slack time zone; UTC when Slack has none we know."""
    name = client.users_info(user=user_id)["user"].get("tz") or "UTC"
    try:
        return parse_tz(name)
    except InvalidInput:
        return "UTC"
