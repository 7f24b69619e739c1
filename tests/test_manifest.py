"""manifest.yml creates the app Slack needs: valid against Slack's schema, and in step with code."""

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from app import ids

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
        "channels:read",
        "chat:write",
        "commands",
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
    ]
