"""One Bolt middleware hands every listener what it needs, by argument name.

Bolt passes a listener any argument named after a key of its `context`. This middleware puts
`deps` there, and the payload parsed into its model under a name that says what it is:

    click       BlockActions     a button, menu or picker in a message or on Home
    submission  ViewSubmission   a modal submitted
    slash       CommandPayload   the `/decide` command
    shortcut_on MessageShortcut  a message shortcut

so a handler reads `def escalate(ack: Ack, click: BlockActions, deps: Deps, client: WebClient)`.
A payload that does not have Slack's shape, or a submission whose private_metadata the bot did
not seal (forms.py), raises BadPayload here, before any listener runs; the error handler
(errors.py) answers it with a 400.

Every parsed payload carries `team_id`: the workspace its data belongs to, from Bolt's context
(see `workspace_of`), never from the payload's `team`, which is null for org-wide installs and
is the other organisation in a modal submitted from a Slack Connect channel. The order matters:
the workspace is resolved first, then the payload parsed, then a submission unsealed, so the
seal is checked against that workspace, the same one it was sealed for when the form opened.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext

from app.domain.names import seen_in_command
from app.listeners.deps import Deps
from app.listeners.payloads import (
    BadPayload,
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


def _workspace_id(value: object) -> str | None:
    return value if isinstance(value, str) and value[:1] == "T" else None


def workspace_of(body: dict[str, Any], context: BoltContext) -> str | None:
    """The workspace (T…) a request's data is kept under; None when there is none.

    Bolt's `context.team_id` is the installing workspace: `view.app_installed_team_id` for a
    modal (a Slack Connect member of another organisation submits with their own `team.id`),
    `team.id` for a click (in a shared channel Slack sends the installing team there and the
    clicker's own in `user.team_id`), `authorizations[0].team_id` for an event.

    An org-wide install on Enterprise Grid has no installing workspace: `team` is null and the
    `app_installed_team_id` of a view is the organisation (E…); an event's `authorizations[0]`
    names the workspace in Slack's sample (api.slack.com/enterprise/apps/reference) and no team
    in slackapi/bolt-js#1720, so either is taken. Data is still kept per workspace, the one
    the person is using: Slack sends it as
    `view.team_id` (the workspace the modal or Home tab was opened in), `user.team_id` (on
    clicks and shortcuts, the workspace the person acts from) and an event's `team_id`; Bolt
    itself falls back to `user.team_id` when `team` is null. A channel shared by several
    workspaces of one organisation therefore keeps each workspace's decisions apart.
    """
    team = _workspace_id(context.team_id)
    if team and not (context.is_enterprise_install and team == context.enterprise_id):
        return team
    view = body.get("view") if isinstance(body.get("view"), dict) else {}
    user = body.get("user") if isinstance(body.get("user"), dict) else {}
    event = body.get("event") if isinstance(body.get("event"), dict) else {}
    for candidate in (view.get("team_id"), user.get("team_id"), body.get("team_id")):
        if found := _workspace_id(candidate):
            return found
    event_view = event.get("view") if isinstance(event.get("view"), dict) else {}
    return _workspace_id(event_view.get("team_id"))


def register(app: App, deps: Deps) -> None:
    @app.middleware
    def hand_to_listeners(body: dict, context: BoltContext, next_: Callable[[], None]) -> None:
        context["deps"] = deps
        workspace = workspace_of(body, context)
        context["workspace"] = workspace
        if workspace and (authorized := context.authorize_result) is not None:
            deps.urls.learn(workspace, authorized.url)  # for permalinks (app.posting.permalinks)
        org = context.enterprise_id if context.is_enterprise_install else None
        if workspace and org and deps.remember_workspace is not None:
            deps.remember_workspace(workspace, org)
        if (parsed_as := PARSED_AS.get(kind_of(body) or "")) is not None:
            name, model = parsed_as
            if workspace is None:
                raise BadPayload(f"{model.__name__}: no workspace")
            parsed = parse(model, body).model_copy(update={"team_id": workspace})
            if isinstance(parsed, ViewSubmission):  # refused here unless the bot sealed it
                parsed = deps.forms.unseal(parsed, deps.clock.now())
            context[name] = parsed
            if isinstance(parsed, CommandPayload):
                note_names(deps, parsed, body.get("user_name"))
        next_()


def note_names(deps: Deps, command: CommandPayload, user_name: object) -> None:
    """Remember the names a slash command shows: its sender's, its channel's and each escaped
    mention's. Not for `/decide feedback`: its sender is about to write an anonymous report."""
    if deps.names is None or command.text.strip().lower().startswith("feedback"):
        return
    people, channels = seen_in_command(
        command.user_id,
        user_name if isinstance(user_name, str) else None,
        command.channel_id,
        command.channel_name,
        command.text,
    )
    deps.names.saw(command.team_id, people=people, channels=channels)
