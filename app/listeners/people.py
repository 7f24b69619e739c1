"""Who a Slack user id belongs to, asked of users.info: a person who can decide, an admin,
their time zone. Asked before any database transaction opens."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from app.domain import people
from app.domain.errors import InvalidInput
from app.domain.schedules import parse_tz
from app.posting.deciders import decider_problem
from app.posting.people import People

__all__ = ["decider_problem", "is_admin", "is_member", "members_problem", "user_tz"]


def is_admin(client: WebClient, user_id: str) -> bool:
    """Whether users.info says this person is a workspace admin or owner. Asked every time,
    never cached (app.posting.people): a revoked admin must lose the right at once."""
    return people.is_admin(client.users_info(user=user_id)["user"])


def is_member(client: WebClient, channel_id: str, user_id: str) -> bool:
    """Whether `user_id` is in the conversation, page by page of conversations.members. A
    conversation Slack will not show the bot (a private channel without it) counts as yes
    here: the post that follows fails there on its own terms and says what to do."""
    cursor = None
    while True:
        try:
            page = client.conversations_members(channel=channel_id, cursor=cursor, limit=1000)
        except SlackApiError as exc:
            if exc.response.get("error") == "channel_not_found":
                return True
            raise
        if user_id in (page.get("members") or []):
            return True
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return False


def members_problem(
    client: WebClient, user_ids, *, people: People | None = None, team_id: str = ""
) -> str | None:
    """Why one of these people cannot take part in a rotation or hold a role, or None."""
    for user_id in user_ids:
        problem = decider_problem(client, user_id, people=people, team_id=team_id)
        if problem:
            return problem
    return None


def user_tz(
    client: WebClient, user_id: str, *, people: People | None = None, team_id: str = ""
) -> str:
    """The person's Slack time zone; UTC when Slack has none we know."""
    person = (people or People()).lookup(client, team_id, user_id)
    name = (person.tz if person else None) or "UTC"
    try:
        return parse_tz(name)
    except InvalidInput:
        return "UTC"
