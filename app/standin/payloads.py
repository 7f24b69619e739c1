"""Builders for the payloads Slack sends to an app, shaped field for field like Slack's.

Who is named where follows Slack (the ``team`` a builder gets is the workspace the app is
installed in; with ``enterprise_id`` in it, an org-wide install on Enterprise Grid):

- a click (block_actions): ``team`` is the installing workspace, ``user.team_id`` the clicker's
  own, another organisation's for a Slack Connect member (slackapi/java-slack-sdk#1041);
- a modal submitted (view_submission): ``team`` is the submitter's own workspace, the installing
  one is ``view.app_installed_team_id`` (slackapi/bolt-js#1614);
- org-wide installs: ``team`` is null in interactions, ``enterprise`` and
  ``is_enterprise_install`` are set, the workspace is ``user.team_id`` and ``view.team_id``, and
  ``view.app_installed_team_id`` is the organisation (slackapi/bolt-js#1720; Bolt for Python's
  own ``extract_team_id``: "With org-wide installations, payload.team in interactivity payloads
  can be None"); a slash command keeps the workspace in ``team_id`` and adds
  ``enterprise_id`` and ``is_enterprise_install``; an event names the workspace in ``team_id``
  and in ``authorizations[0]`` beside the organisation, as Slack's org-wide sample event shows
  (``"enterprise_id": "E324567", "team_id": "T423567", ..., "is_enterprise_install": true``,
  api.slack.com/enterprise/apps/reference). That is Slack's own reference, so it wins over the
  ``"team_id": null`` an earlier reading of bolt-js#1720 put there; the app copes with both
  (tests/e2e/test_fixtures.py replays each).

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
    return standin.channel_name_in_payloads(channel)


def _user(standin: SlackStandIn, user: str, team: Json | None = None) -> Json:
    name = user_name(standin, user)
    return {"id": user, "username": name, "name": name, "team_id": _home_team(standin, user, team)}


def _team(standin: SlackStandIn, team: Json | None = None) -> Json:
    """The workspace a request comes from: ``team`` ({"id", "domain"}) or the stand-in's own."""
    if not team:
        return {"id": standin.team_id, "domain": standin.team_domain}
    return {"id": team["id"], "domain": team["domain"]}


def _home_team(standin: SlackStandIn, user: str, team: Json | None) -> str:
    """The person's own workspace: where they were registered, else where they act from."""
    return standin.home_team_of(user) or _team(standin, team)["id"]


def _team_ref(standin: SlackStandIn, team_id: str, team: Json | None) -> Json:
    here = _team(standin, team)
    return here if here["id"] == team_id else {"id": team_id, "domain": team_id.lower()}


def _enterprise(team: Json | None) -> Json | None:
    """The organisation of an org-wide install, or None."""
    if not team or not team.get("enterprise_id"):
        return None
    return {"id": team["enterprise_id"], "name": team.get("enterprise_name", "Grid")}


def _identity(team: Json | None, team_field: Json) -> Json:
    """``team``, ``enterprise`` and ``is_enterprise_install`` of an interaction payload."""
    org = _enterprise(team)
    return {
        "team": None if org else team_field,
        "enterprise": org,
        "is_enterprise_install": bool(org),
    }


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
    org = _enterprise(team)
    standin.saw_user_in(channel, user)
    fields = {
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
        "is_enterprise_install": "true" if org else "false",
        "response_url": standin.new_response_url(channel, user),
        "trigger_id": standin.new_trigger_id(user),
    }
    if org:
        fields.update(enterprise_id=org["id"], enterprise_name=org["name"])
    return fields


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
    ephemeral: Json | None = None,
) -> Json:
    """A block_actions payload for a click on a bot message, inside a stored view (a modal or
    the Home tab), or on an ephemeral message (one of ``standin.ephemerals()``)."""
    sources = [s for s in (message, view, ephemeral) if s is not None]
    if len(sources) != 1:
        raise ValueError("pass exactly one of message=, view= or ephemeral=")
    source = sources[0]
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
        **_identity(team, _team(standin, team)),
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
    elif ephemeral is not None:
        # As Slack: the container says is_ephemeral, and there is no `message` (the app never
        # sees an ephemeral message's content again); replace it through the response_url.
        channel, ts = ephemeral["channel"], ephemeral["message_ts"]
        payload["container"] = {
            "type": "message",
            "message_ts": ts,
            "channel_id": channel,
            "is_ephemeral": True,
        }
        payload["channel"] = {"id": channel, "name": channel_name(standin, channel)}
        payload["response_url"] = standin.new_response_url(channel, user, ts)
    else:
        assert view is not None
        payload["container"] = {"type": "view", "view_id": view["id"]}
        payload["view"] = _view_for_payload(view, {}, _installed(standin, user, team))
    return payload


def _installed(standin: SlackStandIn, user: str, team: Json | None) -> Json:
    """A view's ``team_id`` (where it is shown) and ``app_installed_team_id``."""
    org = _enterprise(team)
    return {
        "team_id": _home_team(standin, user, team),
        "app_installed_team_id": org["id"] if org else _team(standin, team)["id"],
    }


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
    own = _team_ref(standin, _home_team(standin, user, team), team)
    return {
        "type": "view_submission",
        **_identity(team, own),
        "user": _user(standin, user, team),
        "api_app_id": api_app_id,
        "token": VERIFICATION_TOKEN,
        "trigger_id": standin.new_trigger_id(user),
        "view": _view_for_payload(view, values, _installed(standin, user, team)),
        "response_urls": [],
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
        **_identity(team, _team(standin, team)),
        "user": _user(standin, user, team),
        "channel": {"id": channel, "name": channel_name(standin, channel)},
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
    """An Events API ``event_callback`` envelope around ``event`` (an ``app_home_opened``
    gets its ``view`` from the stand-in; see ``home_view``)."""
    event = _with_home_view(standin, event)
    team_id = _team(standin, team)["id"]
    org = _enterprise(team)
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "enterprise_id": org["id"] if org else None,
        "api_app_id": api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{secrets.token_hex(5).upper()}",
        "event_time": int(standin.clock()),
        "authorizations": [
            {
                "enterprise_id": org["id"] if org else None,
                "team_id": team_id,  # the workspace, org-wide too (see the module docstring)
                "user_id": standin.bot_user_id(org["id"] if org else team_id),
                "is_bot": True,
                "is_enterprise_install": bool(org),
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-{secrets.token_hex(8)}",
    }


def _with_home_view(standin: SlackStandIn, event: Json) -> Json:
    """``app_home_opened`` as Slack sends it: "If they opened a Home tab and that tab has had a
    view published at least once before, a ``view`` field will also be included. That view
    field will contain the current state of the Home tab" (api.slack.com/events/app_home_opened,
    whose sample shows the stored view: id, team_id, type, blocks, private_metadata,
    callback_id, hash, clear_on_close, notify_on_close, root_view_id, app_id, external_id,
    app_installed_team_id, bot_id). So the view is the one views.publish last stored for the
    person, whatever the caller put there, and there is none on the Messages tab or before the
    first publish. Other events pass unchanged."""
    if not isinstance(event, dict) or event.get("type") != "app_home_opened":
        return event
    shaped = {k: v for k, v in event.items() if k != "view"}
    published = standin.home(str(event.get("user"))) if event.get("tab") == "home" else None
    if published is not None:
        shaped["view"] = published
    return shaped


def _message_for_payload(message: Json) -> Json:
    hidden = {"history", "deleted", "channel", "thread_ts", "metadata"}
    shown = {k: v for k, v in message.items() if k not in hidden and v is not None}
    if message.get("thread_ts"):
        shown["thread_ts"] = message["thread_ts"]
    return copy.deepcopy(shown)


def _view_for_payload(view: Json, values: Json, installed: Json) -> Json:
    shown = copy.deepcopy(view)
    shown["state"] = view_state(view, values)
    shown.update(installed)
    return shown
