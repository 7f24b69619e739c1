"""Slack payloads parsed into typed models at the door, so handlers never dig in raw dicts.

Only the fields the bot reads are declared; Slack adds fields freely and they are ignored.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class BadPayload(ValueError):
    """The payload does not have the shape Slack sends; it was forged, truncated or stale."""


class CommandPayload(Model):
    """A slash command. `team_id` is the workspace the data belongs to (see inject.py)."""

    team_id: str
    team_domain: str | None = None
    channel_id: str
    channel_name: str | None = None
    user_id: str
    command: str
    text: str = ""
    trigger_id: str
    response_url: str | None = None


class Ref(Model):
    id: str


class TeamRef(Model):
    id: str
    domain: str | None = None


class UserRef(Model):
    """Who acted; `team_id` is their own workspace (another organisation's in Slack Connect)."""

    id: str
    team_id: str | None = None


class ChannelRef(Model):
    id: str
    name: str | None = None


class FromWorkspace(Model):
    """A payload whose `team` may be null (org-wide installs on Enterprise Grid) or another
    organisation's (Slack Connect). `team_id` is never read from the payload: the middleware
    (inject.py) sets it to the workspace the data belongs to, from Bolt's context."""

    team: TeamRef | None = None
    team_id: str = ""

    @property
    def team_domain(self) -> str | None:
        """The workspace's domain, when the payload's `team` is that workspace."""
        return self.team.domain if self.team and self.team.id == self.team_id else None


class Container(Model):
    type: str | None = None
    message_ts: str | None = None
    channel_id: str | None = None
    thread_ts: str | None = None


class SelectedOption(Model):
    value: str


class Action(Model):
    action_id: str
    block_id: str | None = None
    value: str | None = None
    selected_user: str | None = None
    selected_option: SelectedOption | None = None  # overflow menus and selects


class BlockActions(FromWorkspace):
    user: UserRef
    channel: ChannelRef | None = None
    container: Container = Field(default_factory=Container)
    trigger_id: str | None = None
    response_url: str | None = None
    actions: list[Action] = Field(min_length=1)

    @property
    def action(self) -> Action:
        return self.actions[0]

    @property
    def channel_id(self) -> str | None:
        """The conversation the click came from (None on Home and in modals)."""
        return self.container.channel_id or (self.channel.id if self.channel else None)


class ViewState(Model):
    values: dict[str, dict[str, dict[str, Any]]] = Field(default_factory=dict)


class SubmittedView(Model):
    id: str
    callback_id: str
    team_id: str | None = None
    app_installed_team_id: str | None = None
    private_metadata: str = ""
    state: ViewState = Field(default_factory=ViewState)


class ViewSubmission(FromWorkspace):
    user: UserRef
    view: SubmittedView
    # Set by the form seal (forms.py), never read from the payload: the channel the form was
    # opened in, vouched for the person submitting it; None when it vouches for none.
    opened_in: str | None = Field(default=None, exclude=True)

    def metadata(self) -> dict[str, Any]:
        try:
            value = json.loads(self.view.private_metadata or "{}")
        except json.JSONDecodeError as exc:
            raise BadPayload("private_metadata is not JSON") from exc
        if not isinstance(value, dict):
            raise BadPayload("private_metadata is not an object")
        return value

    def metadata_int(self, key: str, *, minimum: int | None = 1) -> int:
        """An integer the bot put in private_metadata (an id, a version), checked on return.

        With `minimum=None` any integer passes and the database says whether it exists."""
        value = self.metadata().get(key)
        if not isinstance(value, int) or isinstance(value, bool):
            raise BadPayload(f"private_metadata has no {key}")
        if minimum is not None and value < minimum:
            raise BadPayload(f"private_metadata has no {key}")
        return value

    def _element(self, block_id: str) -> dict[str, Any]:
        block = self.view.state.values.get(block_id, {})
        element = next(iter(block.values()), {}) if isinstance(block, dict) else None
        if not isinstance(element, dict):
            raise BadPayload(f"state of {block_id[:40]} is not an element")
        return element

    def _typed(self, block_id: str, key: str, kind: type) -> Any:
        """The element's `key`, None when absent; any other type than Slack sends is forged."""
        value = self._element(block_id).get(key)
        if value is not None and not isinstance(value, kind):
            raise BadPayload(f"{key} of {block_id[:40]} is not a {kind.__name__}")
        return value

    def text_of(self, block_id: str) -> str:
        return self._typed(block_id, "value", str) or ""

    def user_of(self, block_id: str) -> str | None:
        return self._typed(block_id, "selected_user", str) or None

    def users_of(self, block_id: str) -> list[str]:
        """The people picked in a multi_users_select."""
        picked = self._typed(block_id, "selected_users", list) or []
        return [u for u in picked if isinstance(u, str)]

    def option_of(self, block_id: str) -> str | None:
        selected = self._typed(block_id, "selected_option", dict) or {}
        value = selected.get("value")
        return value if isinstance(value, str) else None

    def options_of(self, block_id: str) -> list[str]:
        """Values of the checked boxes (checkboxes send selected_options)."""
        selected = self._typed(block_id, "selected_options", list) or []
        return [
            o["value"] for o in selected if isinstance(o, dict) and isinstance(o.get("value"), str)
        ]

    def datetime_of(self, block_id: str) -> datetime | None:
        stamp = self._element(block_id).get("selected_date_time")
        if stamp in (None, ""):
            return None
        try:
            return datetime.fromtimestamp(int(stamp), UTC)
        except (TypeError, ValueError, OverflowError, OSError) as exc:
            raise BadPayload("selected_date_time is not a timestamp") from exc


class MessageRef(Model):
    ts: str
    text: str = ""
    thread_ts: str | None = None


class MessageShortcut(FromWorkspace):
    user: UserRef
    channel: ChannelRef
    callback_id: str
    trigger_id: str
    message: MessageRef
    response_url: str | None = None


def plain_id(value: str | None) -> int:
    """An id carried in a button value or block id: these come back from the client, so accept a
    plain positive number and nothing else."""
    if value is None or not (value.isascii() and value.isdigit()) or len(value) > 12:
        raise BadPayload("value is not an id")
    return int(value)


M = TypeVar("M", bound=Model)


def parse(model: type[M], body: dict[str, Any]) -> M:
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise BadPayload(f"{model.__name__}: {exc.error_count()} invalid field(s)") from exc
