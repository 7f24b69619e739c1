"""Which Events API events Slack sends the app: the ones manifest.yml subscribes to, no others.

Why: a stand-in that delivers any event lets a test drive the bot with an event the real app
never receives (a listener for an event nobody subscribed to ships dead), so ``Workspace``
refuses such an event the way the Web API refuses a method without its scope (scopes.py).
Slack's rules, from its event reference pages (api.slack.com/events/<type>):

- an event reaches the app only when ``settings.event_subscriptions.bot_events`` names it,
  and a subscription takes the event's scope (each page's "Required scopes"; scopes.py's
  ``EVENT_SCOPES``); ``message`` is subscribed per conversation kind (``message.channels``,
  ``message.groups``, ``message.im``, ``message.mpim``);
- ``function_executed`` "is a unique event in that you cannot subscribe to it like other
  events": it comes for each run of a function the manifest declares (``functions``), to an
  app "subscribed to the Events API" (api.slack.com/events/function_executed);
- ``url_verification`` "does not require a specific OAuth scope or subscription", and is no
  ``event_callback``: it is a request of its own, sent when the Request URL is configured
  (docs.slack.dev/reference/events/url_verification), so ``Workspace.url_verification``;
- ``app_installed`` and ``app_uninstalled_team``: "Only organization-wide apps can subscribe
  to this event"; ``team_access_granted`` / ``team_access_revoked`` are "sent to your
  org-wide app" (their pages) and still need the subscription ("Subscribe to this event via
  the Events API"). An org-wide install otherwise gets the same subscribed events as a
  workspace install, marked ``is_enterprise_install`` in ``authorizations``
  (api.slack.com/enterprise/apps/changes-apis);
- once the app is uninstalled from a workspace (or an organisation, org-wide), Slack sends it
  ``app_uninstalled`` ("sent via subscription whenever a Slack app is completely
  uninstalled") and ``tokens_revoked`` for the revoked tokens, in either order ("you could
  receive a tokens_revoked event after app_uninstalled. An app is not uninstalled until its
  final user and bot tokens are revoked", api.slack.com/events/app_uninstalled), and nothing
  else for that team: its tokens are gone, so no other event has an installation to go to.
  ``app_uninstalled`` is therefore never sent while the app is still installed;
  ``tokens_revoked`` is (a person revoking their own user token, the bot kept).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from app.standin.scopes import EVENT_SCOPES, MANIFEST

Json = dict[str, Any]

#: Exactly manifest.yml's bot_events, for a stand-in run outside a checkout (the manifest is
#: not in the package; tests/standin/test_subscriptions.py keeps the two equal).
BOT_EVENTS = ("app_home_opened", "app_uninstalled", "tokens_revoked", "user_change")
#: Events Slack sends only to an org-wide install (subscribed like any other).
ORG_WIDE_ONLY = frozenset(
    {"app_installed", "app_uninstalled_team", "team_access_granted", "team_access_revoked"}
)
#: What Slack still sends a team after the app was uninstalled from it, and only then for
#: ``app_uninstalled`` (api.slack.com/events/app_uninstalled; see the module docstring).
AFTER_UNINSTALL = frozenset({"app_uninstalled", "tokens_revoked"})
#: The subscription a ``message`` event needs, by the kind of conversation it happened in.
MESSAGE_SUBSCRIPTIONS = {
    "public": "message.channels",
    "private": "message.groups",
    "im": "message.im",
    "mpim": "message.mpim",
}


class EventNotSubscribed(ValueError):
    """Slack would not send this event to the app (what is missing is in the message)."""


def install_refusal(kind: object, team_id: str, *, installed: bool) -> str | None:
    """Why Slack would not send an event of ``kind`` to the install on ``team_id`` (T…, or E…
    org-wide) given whether the app is still installed there; None when it would."""
    if installed and kind == "app_uninstalled":
        return (
            f"app_uninstalled while the app is still installed on {team_id}: Slack sends it "
            "only once the app is uninstalled (call standin.uninstall first)"
        )
    if not installed and kind not in AFTER_UNINSTALL:
        return (
            f"{kind!r} to {team_id}, which uninstalled the app: after an uninstall Slack sends "
            f"that team only {sorted(AFTER_UNINSTALL)} (api.slack.com/events/app_uninstalled)"
        )
    return None


@dataclass(frozen=True)
class Subscriptions:
    """What the manifest asks Slack to send: bot events, and whether the app uses the Events
    API at all (``settings.event_subscriptions``), which ``function_executed`` needs."""

    bot_events: tuple[str, ...]
    events_api: bool


def manifest_subscriptions(path: Path = MANIFEST) -> Subscriptions:
    """``settings.event_subscriptions`` of manifest.yml (PyYAML is a test extra)."""
    import yaml

    manifest: Any = yaml.safe_load(path.read_text())
    settings = manifest.get("settings") or {}
    events = settings.get("event_subscriptions")
    bot_events = tuple((events or {}).get("bot_events") or ())
    return Subscriptions(bot_events, events is not None)


@cache  # read once a process, as installed_scopes() is
def app_subscriptions() -> Subscriptions:
    """What manifest.yml subscribes to; outside a checkout (no manifest.yml, or no PyYAML),
    ``BOT_EVENTS``, which a test keeps equal to the manifest's."""
    try:
        return manifest_subscriptions()
    except (ImportError, OSError):
        return Subscriptions(BOT_EVENTS, True)


def refusal(
    event: Any,
    *,
    subscribed: Iterable[str],
    events_api: bool,
    scopes: Iterable[str],
    org_wide: bool,
    channel_kind: str | None = None,
    declared_functions: Iterable[str] = (),
) -> str | None:
    """Why Slack would not send ``event`` (the inner event of an ``event_callback``) to an app
    with these subscriptions and scopes; None when it would."""
    if not isinstance(event, dict) or not isinstance(event.get("type"), str):
        return "an event is an object with a string `type`"
    kind = event["type"]
    if kind == "url_verification":
        return (
            "url_verification is not an event_callback: Slack sends it on its own when the "
            "Request URL is set (use Workspace.url_verification)"
        )
    if kind == "function_executed":
        return _step_refusal(event, events_api, declared_functions)
    if kind == "message":
        if channel_kind not in MESSAGE_SUBSCRIPTIONS:
            return f"a message event in {event.get('channel')!r}, a conversation Slack knows not"
        kind = MESSAGE_SUBSCRIPTIONS[channel_kind]
    if kind not in set(subscribed):
        return (
            f"manifest.yml does not subscribe to {kind!r} "
            "(settings.event_subscriptions.bot_events): Slack would never send it"
        )
    if kind in ORG_WIDE_ONLY and not org_wide:
        return f"{kind} is sent only to an org-wide install"
    needed = EVENT_SCOPES.get(kind)
    if needed and needed not in set(scopes):
        return f"the {kind!r} subscription needs the {needed!r} scope, which the install lacks"
    return None


def _step_refusal(event: Json, events_api: bool, declared: Iterable[str]) -> str | None:
    """function_executed: no subscription, but the Events API and a declared function."""
    callback_id = (event.get("function") or {}).get("callback_id")
    if not events_api:
        return "function_executed needs settings.event_subscriptions (the Events API)"
    if callback_id not in set(declared):
        return f"function_executed for {callback_id!r}, which manifest.yml's functions lack"
    return None
