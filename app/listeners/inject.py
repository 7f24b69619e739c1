"""One Bolt middleware hands every listener what it needs, by argument name.

Bolt passes a listener any argument named after a key of its `context`. This middleware puts
`deps` there, and the payload parsed into its model under a name that says what it is:

    click       BlockActions     a button, menu or picker in a message or on Home
    submission  ViewSubmission   a modal submitted
    slash       CommandPayload   the `/decide` command
    shortcut_on MessageShortcut  a message shortcut

so a handler reads `def escalate(ack: Ack, click: BlockActions, deps: Deps, client: WebClient)`.
A payload that does not have Slack's shape raises BadPayload here, before any listener runs;
the error handler (errors.py) answers it with a 400.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext

from app.listeners.deps import Deps
from app.listeners.payloads import (
    BlockActions,
    CommandPayload,
    MessageShortcut,
    Model,
    ViewSubmission,
    parse,
)

PARSED_AS: dict[str, tuple[str, type[Model]]] = {
    "block_actions": ("click", BlockActions),
    "view_submission": ("submission", ViewSubmission),
    "command": ("slash", CommandPayload),
    "message_action": ("shortcut_on", MessageShortcut),
}


def kind_of(body: dict[str, Any]) -> str | None:
    """What kind of request this is; slash commands are form posts with no `type`."""
    return "command" if "command" in body else body.get("type")


def register(app: App, deps: Deps) -> None:
    @app.middleware
    def hand_to_listeners(body: dict, context: BoltContext, next_: Callable[[], None]) -> None:
        context["deps"] = deps
        if (parsed_as := PARSED_AS.get(kind_of(body) or "")) is not None:
            name, model = parsed_as
            context[name] = parse(model, body)
        next_()
