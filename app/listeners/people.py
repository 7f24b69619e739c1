"""Who a Slack user id belongs to, asked of users.info when a decider is named."""

from __future__ import annotations

from slack_sdk import WebClient

from app.posting.deciders import decider_problem

__all__ = ["decider_problem", "is_admin", "members_problem"]


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
