"""Builders for the payloads Slack sends to an app, shaped field for field like Slack's.

Why shared: the same slash command or click can reach the bot over HTTP (form-encoded,
signed; see workspace.py) or over Socket Mode (inside an envelope). Building the payload in
one place keeps both paths identical. response_url and trigger_id come from the stand-in,
so whatever the bot does with them is checked by the stand-in too.
"""

from __future__ import annotations

import copy
import secrets
from typing import Any

from app.standin.blockkit import iter_elements
from app.standin.server import SlackStandIn
from app.standin.viewstate import OPTION_TYPES, find_option, view_state

Json = dict[str, Any]
VERIFICATION_TOKEN = "legacy-verification-token"


def action_ts(standin: SlackStandIn) -> str:
    return f"{standin.clock():.6f}"


def user_name(standin: SlackStandIn, user: str) -> str:
    found = standin.user_object(user)
    return str(found["name"]) if found else user.lower()


def channel_name(standin: SlackStandIn, channel: str) -> str:
    if channel[:1] == "D":
        return "directmessage"
    found = standin.channel_object(channel)
    return str(found["name"]) if found and found.get("name") else channel.lower()


def _user(standin: SlackStandIn, user: str, team: Json | None = None) -> Json:
    name = user_name(standin, user)
    return {"id": user, "username": name, "name": name, "team_id": _team(standin, team)["id"]}


def _team(standin: SlackStandIn, team: Json | None = None) -> Json:
    """The workspace a request comes from: ``team`` ({"id", "domain"}) or the stand-in's own."""
    return dict(team) if team else {"id": standin.team_id, "domain": standin.team_domain}


def slash_command(
    standin: SlackStandIn,
    *,
    user: str,
    channel: str,
    text: str,
    command: str,
    api_app_id: str,
    team: Json | None = None,
) -> dict[str, str]:
    """The form fields of a slash command request (all strings, as Slack sends them)."""
    where = _team(standin, team)
    standin.saw_user_in(channel, user)
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": where["id"],
        "team_domain": where["domain"],
        "channel_id": channel,
        "channel_name": channel_name(standin, channel),
        "user_id": user,
        "user_name": user_name(standin, user),
        "command": command,
        "text": text,
        "api_app_id": api_app_id,
        "is_enterprise_install": "false",
        "response_url": standin.new_response_url(channel, user),
        "trigger_id": standin.new_trigger_id(user),
    }


def find_element(blocks: list[Any], action_id: str) -> tuple[Json, Json]:
    """The (block, element) holding ``action_id``; ValueError names what exists instead."""
    found = list(iter_elements(blocks))
    for block, element in found:
        if element.get("action_id") == action_id:
            return block, element
    known = [e.get("action_id") for _, e in found]
    raise ValueError(f"no element with action_id {action_id!r}; present: {known}")


def block_actions(
    standin: SlackStandIn,
    *,
    user: str,
    action_id: str,
    api_app_id: str,
    message: Json | None = None,
    view: Json | None = None,
    value: str | None = None,
    selected_user: str | None = None,
    selected_option: Any = None,
    team: Json | None = None,
) -> Json:
    """A block_actions payload for a click on a bot message (or inside a stored view)."""
    if (message is None) == (view is None):
        raise ValueError("pass exactly one of message= or view=")
    source = message if message is not None else view
    assert source is not None
    block, element = find_element(source.get("blocks") or [], action_id)
    kind = element.get("type", "button")
    action: Json = {"action_id": action_id, "block_id": block.get("block_id", ""), "type": kind}
    if kind == "button":
        action["text"] = element.get("text")
        action["value"] = value if value is not None else element.get("value")
        if element.get("style"):
            action["style"] = element["style"]
    elif kind == "multi_users_select":
        action["selected_users"] = [selected_user] if selected_user else []
    elif kind == "users_select" or selected_user is not None:
        action["selected_user"] = selected_user
    elif kind in OPTION_TYPES or kind == "overflow" or selected_option is not None:
        action["selected_option"] = find_option(element, selected_option)
    elif value is not None:
        action["value"] = value
    action["action_ts"] = action_ts(standin)
    payload: Json = {
        "type": "block_actions",
        "user": _user(standin, user, team),
        "api_app_id": api_app_id,
        "token": VERIFICATION_TOKEN,
        "trigger_id": standin.new_trigger_id(user),
        "team": _team(standin, team),
        "enterprise": None,
        "is_enterprise_install": False,
        "state": {"values": {}},
        "actions": [action],
    }
    if message is not None:
        channel = message["channel"]
        payload["container"] = {
            "type": "message",
            "message_ts": message["ts"],
            "channel_id": channel,
            "is_ephemeral": False,
        }
        payload["channel"] = {"id": channel, "name": channel_name(standin, channel)}
        payload["message"] = _message_for_payload(message)
        payload["response_url"] = standin.new_response_url(channel, user, message["ts"])
    else:
        assert view is not None
        payload["container"] = {"type": "view", "view_id": view["id"]}
        payload["view"] = _view_for_payload(view, {})
    return payload


def view_submission(
    standin: SlackStandIn,
    *,
    user: str,
    view: Json,
    values: Json,
    api_app_id: str,
    team: Json | None = None,
) -> Json:
    """A view_submission payload; ``values`` maps block_id -> action_id -> Python value."""
    return {
        "type": "view_submission",
        "team": _team(standin, team),
        "user": _user(standin, user, team),
        "api_app_id": api_app_id,
        "token": VERIFICATION_TOKEN,
        "trigger_id": standin.new_trigger_id(user),
        "view": _view_for_payload(view, values),
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def message_action(
    standin: SlackStandIn,
    *,
    user: str,
    callback_id: str,
    message: Json,
    channel: str,
    api_app_id: str,
    team: Json | None = None,
) -> Json:
    """A message shortcut (type message_action) invoked on ``message``."""
    standin.saw_user_in(channel, user)
    return {
        "type": "message_action",
        "token": VERIFICATION_TOKEN,
        "action_ts": action_ts(standin),
        "team": _team(standin, team),
        "user": _user(standin, user, team),
        "channel": {"id": channel, "name": channel_name(standin, channel)},
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": standin.new_trigger_id(user),
        "response_url": standin.new_response_url(channel, user),
        "message_ts": message.get("ts"),
        "message": _message_for_payload(message),
        "api_app_id": api_app_id,
    }


def event_callback(
    standin: SlackStandIn,
    *,
    event: Json,
    api_app_id: str,
    event_id: str | None = None,
    team: Json | None = None,
) -> Json:
    """An Events API ``event_callback`` envelope around ``event``."""
    team_id = _team(standin, team)["id"]
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "api_app_id": api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{secrets.token_hex(5).upper()}",
        "event_time": int(standin.clock()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": standin.bot_user_id(team_id),
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-{secrets.token_hex(8)}",
    }


def _message_for_payload(message: Json) -> Json:
    hidden = {"history", "deleted", "channel", "thread_ts", "metadata"}
    shown = {k: v for k, v in message.items() if k not in hidden and v is not None}
    if message.get("thread_ts"):
        shown["thread_ts"] = message["thread_ts"]
    return copy.deepcopy(shown)


def _view_for_payload(view: Json, values: Json) -> Json:
    shown = copy.deepcopy(view)
    shown["state"] = view_state(view, values)
    return shown
