"""Slack sends the app only the events manifest.yml subscribes to; the stand-in refuses others.

Each test would fail if `Workspace.event` (or Socket Mode, or a workflow step) went back to
delivering whatever a test hands it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from app.standin import EventNotSubscribed, Reply, SlackStandIn, Workspace
from app.standin.subscriptions import BOT_EVENTS, manifest_subscriptions

FIXTURES = Path(__file__).parents[1] / "fixtures" / "payloads"
FIND = "find_who_decides"


class Recording(Workspace):
    """A workspace whose requests are recorded instead of sent: what reached the app."""

    def __init__(self, standin: SlackStandIn, **kw: Any) -> None:
        super().__init__(standin, bot_url="http://127.0.0.1:9/never", signing_secret="s", **kw)
        self.sent: list[Any] = []

    def send_raw(self, body: bytes | str, content_type: str, *args: Any, **kw: Any) -> Reply:
        self.sent.append(json.loads(body))
        return Reply(200, "", 0.0, {})


def refused(deliver) -> str:
    with pytest.raises(EventNotSubscribed) as caught:
        deliver()
    return str(caught.value)


def test_the_subscriptions_are_the_manifests(standin: SlackStandIn) -> None:
    manifest = manifest_subscriptions()
    assert standin.bot_events == manifest.bot_events == BOT_EVENTS
    assert standin.events_api is manifest.events_api is True


def test_an_event_the_manifest_does_not_subscribe_to_never_reaches_the_app(standin) -> None:
    slack = Recording(standin)
    mention = {"type": "app_mention", "user": "U1", "text": "<@UBOT> hi", "channel": "C1"}
    problem = refused(lambda: slack.event(mention))
    assert "'app_mention'" in problem and "bot_events" in problem
    assert slack.sent == []
    slack.event({"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"})
    [delivered] = slack.sent
    assert delivered["type"] == "event_callback"
    assert delivered["event"]["type"] == "app_home_opened"


def test_a_message_event_needs_the_subscription_of_its_conversations_kind(clock) -> None:
    with SlackStandIn(
        clock=clock, bot_events=("message.channels",), scopes=("channels:history",)
    ) as narrow:
        narrow.add_channel("C1", "general")
        narrow.add_channel("G1", "secret", private=True)
        slack = Recording(narrow)
        slack.event({"type": "message", "channel": "C1", "user": "U1", "text": "hi"})
        problem = refused(
            lambda: slack.event({"type": "message", "channel": "G1", "user": "U1", "text": "x"})
        )
        assert "'message.groups'" in problem
        assert len(slack.sent) == 1


def test_a_subscription_without_its_scope_delivers_nothing(clock) -> None:
    with SlackStandIn(clock=clock, scopes=("commands", "chat:write")) as narrow:
        narrow.add_user("U1", "alice")
        slack = Recording(narrow)
        problem = refused(lambda: slack.user_change("U1"))
        assert "'users:read'" in problem and "'user_change'" in problem
        assert slack.sent == []


def test_url_verification_is_its_own_request_not_an_event(standin) -> None:
    slack = Recording(standin)
    assert "Workspace.url_verification" in refused(
        lambda: slack.event({"type": "url_verification", "challenge": "x"})
    )
    slack.url_verification("c-123")
    assert slack.sent == [
        {"token": slack.sent[0]["token"], "challenge": "c-123", "type": "url_verification"}
    ]


def test_function_executed_comes_only_for_runs_of_declared_functions(standin) -> None:
    slack = Recording(standin)
    made_up = {
        "type": "function_executed",
        "function": {"callback_id": FIND},
        "function_execution_id": "Fx0MADEUP",
        "inputs": {"domain": "design"},
    }
    assert "never started" in refused(lambda: slack.event(made_up))
    undeclared = {**made_up, "function": {"callback_id": "not_in_the_manifest"}}
    assert "functions lack" in refused(lambda: slack.event(undeclared))
    run = slack.step(FIND, {"domain": "design"})
    assert json.loads(run.body)["event"]["function"]["callback_id"] == FIND
    assert len(slack.sent) == 1

    standin.events_api = False  # an app with no event_subscriptions at all
    assert "Events API" in refused(lambda: slack.step(FIND, {"domain": "design"}))


def test_org_wide_only_events_reach_only_an_org_wide_install(clock) -> None:
    with SlackStandIn(clock=clock, bot_events=("team_access_granted",)) as standin:
        granted = {"type": "team_access_granted", "team_ids": ["T1", "T2"]}
        workspace = Recording(standin)
        assert "org-wide install" in refused(lambda: workspace.event(granted))
        standin.add_install("E0GRID", "grid")
        org = Recording(standin, team_id="T1", team_domain="one", enterprise_id="E0GRID")
        org.event(granted)
        assert org.sent[0]["authorizations"][0]["is_enterprise_install"] is True


def test_an_org_wide_install_gets_the_same_subscriptions_and_no_more(standin) -> None:
    standin.add_install("E0GRID", "grid")
    org = Recording(standin, team_id="T1", team_domain="one", enterprise_id="E0GRID")
    org.event({"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"})
    mention = {"type": "app_mention", "user": "U1", "text": "hi", "channel": "C1"}
    assert "'app_mention'" in refused(lambda: org.event(mention))
    assert len(org.sent) == 1


def test_socket_mode_delivers_no_unsubscribed_event_either(standin) -> None:
    envelope = {"type": "event_callback", "event": {"type": "reaction_added", "user": "U1"}}
    assert "'reaction_added'" in refused(lambda: standin.socket_send("events_api", envelope))


def _fixture(name: str, values: Mapping[str, str]) -> dict[str, Any]:
    text = (FIXTURES / name).read_text()
    return json.loads(re.sub(r"\{\{(\w+)\}\}", lambda m: values.get(m.group(1), "x"), text))


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("event_*.json")))
def test_every_recorded_event_is_one_slack_would_send_this_app(standin, name) -> None:
    """The fixtures replayed by tests/e2e/test_fixtures.py bypass Workspace: hold them to the
    same subscriptions."""
    run = standin.start_function(FIND, {"domain": "design"})
    payload = _fixture(name, {"function_execution_id": run["function_execution_id"]})
    org_wide = bool(payload["authorizations"][0]["is_enterprise_install"])
    standin.check_event(payload["event"], org_wide=org_wide)
