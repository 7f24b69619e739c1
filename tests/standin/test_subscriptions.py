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
from slack_sdk import WebClient

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


def test_an_org_wide_event_names_the_workspace_and_the_organisation(standin) -> None:
    """Slack's org-wide sample event (api.slack.com/enterprise/apps/reference): the workspace
    in `team_id` and `authorizations[0].team_id`, the organisation beside it."""
    standin.add_install("E0GRID", "grid")
    org = Recording(standin, team_id="T1", team_domain="one", enterprise_id="E0GRID")
    org.event(HOME)
    [sent] = org.sent
    assert (sent["team_id"], sent["enterprise_id"]) == ("T1", "E0GRID")
    assert sent["authorizations"] == [
        {
            "enterprise_id": "E0GRID",
            "team_id": "T1",
            "user_id": standin.bot_user_id("E0GRID"),
            "is_bot": True,
            "is_enterprise_install": True,
        }
    ]


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
    authorization = payload["authorizations"][0]
    org_wide = bool(authorization["is_enterprise_install"])
    install = authorization["enterprise_id"] if org_wide else authorization["team_id"]
    if payload["event"]["type"] == "app_uninstalled":  # sent only once the app is gone
        standin.uninstall(install)
    standin.check_event(payload["event"], org_wide=org_wide, install=install)


# -- after an uninstall: app_uninstalled and tokens_revoked, and nothing else --------------

HOME = {"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"}
GONE = {"type": "app_uninstalled"}
REVOKED = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UBT0BETA"]}}


def test_an_uninstalled_workspace_hears_only_app_uninstalled_and_tokens_revoked(
    standin,
) -> None:
    """api.slack.com/events/app_uninstalled: sent once the app is uninstalled, with
    tokens_revoked in either order; nothing more for that workspace after."""
    standin.add_install("T0BETA", "beta")
    beta = Recording(standin, team_id="T0BETA")
    alpha = Recording(standin)
    assert "still installed" in refused(lambda: beta.event(GONE))
    beta.event(REVOKED)  # a revoked token alone does not uninstall: still delivered

    standin.uninstall("T0BETA")
    problem = refused(lambda: beta.event(HOME))
    assert "'app_home_opened'" in problem and "T0BETA" in problem and "uninstalled" in problem
    assert "uninstalled" in refused(lambda: beta.step(FIND, {"domain": "design"}))
    beta.event(REVOKED)  # after app_uninstalled too: the order is not guaranteed
    beta.event(GONE)
    beta.event(REVOKED)
    assert [b["event"]["type"] for b in beta.sent] == [
        "tokens_revoked",
        "tokens_revoked",
        "app_uninstalled",
        "tokens_revoked",
    ]
    alpha.event(HOME)  # the other workspace is untouched
    assert len(alpha.sent) == 1


def test_socket_mode_refuses_events_to_an_uninstalled_workspace_too(standin) -> None:
    standin.uninstall(standin.team_id)
    envelope = {
        "type": "event_callback",
        "team_id": standin.team_id,
        "event": HOME,
        "authorizations": [{"team_id": standin.team_id, "is_enterprise_install": False}],
    }
    assert "uninstalled" in refused(lambda: standin.socket_send("events_api", envelope))


def test_an_org_wide_uninstall_silences_every_workspace_of_the_organisation(standin) -> None:
    standin.add_install("E0GRID", "grid")
    one = Recording(standin, team_id="T1", team_domain="one", enterprise_id="E0GRID")
    two = Recording(standin, team_id="T2", team_domain="two", enterprise_id="E0GRID")
    standin.uninstall("E0GRID")
    assert "E0GRID" in refused(lambda: one.event(HOME))
    assert "E0GRID" in refused(lambda: two.event(HOME))
    one.event(GONE)
    assert [b["event"]["type"] for b in one.sent] == ["app_uninstalled"]


def test_installing_again_brings_the_events_back(standin) -> None:
    code = standin.add_install("T0BETA", "beta")
    beta = Recording(standin, team_id="T0BETA")
    standin.uninstall("T0BETA")
    assert "uninstalled" in refused(lambda: beta.event(HOME))
    assert not standin.is_installed("T0BETA")
    WebClient(base_url=standin.api_url, retry_handlers=[]).oauth_v2_access(
        client_id=standin.client_id, client_secret=standin.client_secret, code=code
    )
    assert standin.is_installed("T0BETA")
    beta.event(HOME)
    assert "still installed" in refused(lambda: beta.event(GONE))


# -- app_home_opened carries the published Home view -----------------------------------------


def test_app_home_opened_carries_the_home_view_last_published(standin) -> None:
    """api.slack.com/events/app_home_opened: once a Home view was published, the event's
    `view` is its current state (id, hash...); none on the Messages tab or before."""
    slack = Recording(standin)
    forged = {"id": "V0FORGED", "hash": "1.forged"}
    slack.event({**HOME, "view": forged})  # nothing published yet: no view at all
    client = WebClient(base_url=standin.api_url, token=standin.bot_token, retry_handlers=[])
    home = {"type": "home", "callback_id": "home", "private_metadata": "m", "blocks": []}
    first = client.views_publish(user_id="U1", view=home)["view"]
    slack.event({**HOME, "view": forged})
    slack.event({**HOME, "tab": "messages"})
    again = client.views_publish(user_id="U1", view=home, hash=first["hash"])["view"]
    slack.event(HOME)
    sent = [b["event"] for b in slack.sent]
    assert "view" not in sent[0] and "view" not in sent[2]
    assert sent[1]["view"] == standin.home("U1") | {"hash": first["hash"]}
    assert sent[1]["view"]["hash"] == first["hash"] and sent[1]["view"]["id"] == first["id"]
    for field in ("team_id", "type", "callback_id", "private_metadata", "root_view_id"):
        assert sent[1]["view"][field] == first[field]
    assert sent[1]["view"]["app_installed_team_id"] == standin.team_id
    assert sent[1]["view"]["bot_id"] and sent[1]["view"]["app_id"]
    assert sent[3]["view"]["hash"] == again["hash"] != first["hash"]
    assert sent[3]["view"]["id"] == first["id"]
    assert sent[3]["tab"] == "home"
