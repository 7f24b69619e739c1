"""manifest.yml creates the app Slack needs: valid against Slack's schema, and in step with code."""

import ast
import json
import re
from functools import cache
from pathlib import Path

import jsonschema
import pytest
import yaml
from slack_sdk import WebClient
from slack_sdk.web.base_client import BaseClient

from app import ids
from app.installs import BOT_SCOPES
from app.standin.scopes import METHOD_SCOPES, SDK_HELPERS, manifest_bot_scopes

ROOT = Path(__file__).resolve().parents[1]
# Slack's published schema, kept in the repository (MIT, see tests/fixtures/slack/LICENSE)
# so this test runs in any clone.
SCHEMA = ROOT / "tests" / "fixtures" / "slack" / "manifest.schema.1.0.0.json"


@pytest.fixture(scope="module")
def manifest() -> dict:
    return yaml.safe_load((ROOT / "manifest.yml").read_text())


def test_manifest_validates_against_slacks_schema(manifest):
    schema = json.loads(SCHEMA.read_text())
    jsonschema.validate(manifest, schema)


def test_decide_command_escapes_mentions(manifest):
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == ids.DECIDE_COMMAND
    assert command["should_escape"] is True


def test_shortcuts_match_the_listeners(manifest):
    callbacks = {s["callback_id"] for s in manifest["features"]["shortcuts"]}
    assert callbacks == {ids.DECIDE_ON_MESSAGE, ids.POLL_ON_MESSAGE}


def test_only_the_scopes_the_bot_uses(manifest):
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == [
        "canvases:read",  # the charter canvas: canvases.sections.lookup finds its parts
        "canvases:write",  # ... conversations.canvases.create and canvases.edit keep it current
        "channels:history",  # reading back a card a crash cut off: conversations.history
        "channels:read",
        "chat:write",
        "commands",
        "files:write",  # charts: files.getUploadURLExternal and files.completeUploadExternal
        "groups:history",  # ... and conversations.replies, in private channels too
        "groups:read",
        "users:read",
    ]
    assert manifest["settings"]["interactivity"]["is_enabled"] is True


def test_home_tab_and_its_event(manifest):
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["settings"]["event_subscriptions"]["bot_events"] == [
        "app_home_opened",
        "app_uninstalled",  # both: forget the team's installation and stop its schedules
        "tokens_revoked",
        "user_change",  # users:read: refreshes the people cache (app.posting.people)
    ]


def test_the_oauth_install_requests_exactly_the_manifests_scopes(manifest):
    assert tuple(manifest["oauth_config"]["scopes"]["bot"]) == BOT_SCOPES
    assert manifest_bot_scopes(ROOT / "manifest.yml") == BOT_SCOPES  # what the stand-in grants


WEB_API = set(dir(WebClient)) - set(dir(BaseClient))
# conversations.info runs on the channels where schedules are set: public and private ones.
KINDS_THE_BOT_READS = ("public", "private")


@cache  # two tests read it; parsing every module of app/ takes a good part of a second
def web_api_calls(root: Path) -> dict[str, set[str]]:
    """Web API method -> files calling it: `<client>.chat_postMessage(`, SDK helpers such as
    files_upload_v2, and `api_call("method")`."""
    found: dict[str, set[str]] = {}
    for path in sorted((root / "app").rglob("*.py")):
        if path.relative_to(root).parts[:2] == ("app", "standin"):
            continue  # the stand-in answers calls; it makes none
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            name = node.func.attr
            if name == "api_call" and node.args and isinstance(node.args[0], ast.Constant):
                methods = (str(node.args[0].value),)
            elif name in SDK_HELPERS:
                methods = SDK_HELPERS[name]
            elif name in WEB_API:
                methods = (name.replace("_", "."),)
            else:
                continue
            for method in methods:
                found.setdefault(method, set()).add(str(path.relative_to(root)))
    return found


def test_the_scanner_sees_the_calls_it_must():
    calls = web_api_calls(ROOT)
    assert {"chat.postMessage", "users.info", "files.getUploadURLExternal"} <= set(calls)


APP_TOKEN_SCOPES = frozenset({"connections:write"})


def test_every_web_api_method_the_code_calls_has_its_scope_in_the_manifest(manifest):
    # connections:write belongs to the app-level token (xapp-), which Socket Mode uses and the
    # README tells the installer to create; it is never a bot scope.
    readme = (ROOT / "README.md").read_text()
    app_token = {s for s in APP_TOKEN_SCOPES if f"`{s}`" in readme}
    granted = set(manifest["oauth_config"]["scopes"]["bot"]) | app_token
    for method, where in web_api_calls(ROOT).items():
        assert method in METHOD_SCOPES, (
            f"{method} (called in {sorted(where)}) is not in app/standin/scopes.py; add it "
            "with the scope its page in Slack's reference lists"
        )
        need = METHOD_SCOPES[method]
        needed = {need.scope} | {need.by_kind[k] for k in KINDS_THE_BOT_READS if k in need.by_kind}
        missing = sorted(s for s in needed if s is not None and s not in granted)
        assert not missing, f"{method} (called in {sorted(where)}) needs {missing}: manifest.yml"


def test_readmes_scope_list_is_the_manifests(manifest):
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Create the Slack app", 1)[1].split("\n## ", 1)[0]
    start = section.index("It asks for")
    sentence = section[start : start + re.search(r"nothing\s+more", section[start:]).start()]
    named = set(re.findall(r"`([a-z]+(?::[a-z.]+)?)`", sentence))
    assert named == set(manifest["oauth_config"]["scopes"]["bot"])


def test_every_subscribed_event_has_its_scope(manifest):
    from app.standin.scopes import EVENT_SCOPES

    granted = set(manifest["oauth_config"]["scopes"]["bot"])
    for event in manifest["settings"]["event_subscriptions"]["bot_events"]:
        assert event in EVENT_SCOPES, f"{event}: which scope does Slack require? (scopes.py)"
        assert EVENT_SCOPES[event] is None or EVENT_SCOPES[event] in granted, event


def test_workflow_steps_match_the_listeners_in_the_flat_parameter_form(manifest):
    # Slack's published schema and Bolt's custom-step template: input_parameters is a mapping
    # of name -> {type, title, ...}, and custom steps need an org-ready app.
    assert set(manifest["functions"]) == {
        ids.FIND_WHO_DECIDES_STEP,
        ids.OPEN_DECISION_STEP,
        ids.RECORD_OUTCOME_STEP,
    }
    for step in manifest["functions"].values():
        for params in (step["input_parameters"], step["output_parameters"]):
            assert all({"type", "title"} <= set(spec) for spec in params.values())
    assert manifest["settings"]["org_deploy_enabled"] is True
    people = [
        name
        for step in manifest["functions"].values()
        for name, spec in step["input_parameters"].items()
        if spec["type"] == "slack#/types/user_context"
    ]
    assert people == ["opener", "reviewer"]  # the actor is the person running the workflow
