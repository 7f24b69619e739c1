"""The card's "More" menu and its Reopen/Supersede buttons (also on Home): each opens the form
of its verb, for someone the rules let do it. Nothing is stored by the click itself, so it is
acknowledged first (the form's submission stores the change: app.listeners.views.lifecycle)."""

from __future__ import annotations

from slack_bolt import Ack, App
from slack_sdk import WebClient

from app import ids
from app.listeners.deps import Deps
from app.listeners.lifecycle_flow import open_lifecycle_form
from app.listeners.payloads import BadPayload, BlockActions, plain_id

BUTTON_VERBS = {ids.REOPEN: "reopen", ids.SUPERSEDE: "supersede", ids.HAND_ON: "handoff"}


def verb_and_id(click: BlockActions) -> tuple[str, int]:
    """What was asked, from a button (its action_id, the id in its value) or from the menu
    (option value "<verb>:<id>"); anything else came from no card of ours."""
    action = click.action
    if action.action_id in BUTTON_VERBS:
        return BUTTON_VERBS[action.action_id], plain_id(action.value)
    chosen = action.selected_option.value if action.selected_option else ""
    verb, _, number = chosen.partition(":")
    if verb not in ids.LIFECYCLE_VERBS:
        raise BadPayload("unknown lifecycle option")
    return verb, plain_id(number)


def lifecycle_click(ack: Ack, click: BlockActions, deps: Deps, client: WebClient) -> None:
    ack()
    verb, decision_id = verb_and_id(click)
    open_lifecycle_form(client, deps, click, verb, decision_id)


def register(app: App, deps: Deps) -> None:
    app.action(ids.LIFECYCLE_MENU)(lifecycle_click)
    app.action(ids.REOPEN)(lifecycle_click)
    app.action(ids.SUPERSEDE)(lifecycle_click)
    app.action(ids.HAND_ON)(lifecycle_click)
