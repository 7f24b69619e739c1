"""Requests in the shapes Slack documents (tests/fixtures/payloads), replayed signed against the
bot: in-process through Bolt's App.dispatch, and a few over the real HTTP server. Each asserts
that the effect lands under the right workspace and that the person gets an answer."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse
from sqlalchemy import select

from app import ids
from app.db.models import ChannelSchedule, Decision
from app.standin import SlackStandIn
from app.standin.workspace import sign
from app.vocabulary import Status
from tests.e2e import test_identity as worlds
from tests.e2e.conftest import ALICE, BOB, GENERAL, SIGNING_SECRET, Bot
from tests.e2e.test_identity import A1, GRID, GRID_A, GRID_CHANNEL, HOME, OUTSIDER, SHARED

# The OAuth bot, the Slack Connect channel and the Grid organisation of test_identity.
oauth_bot, connect, grid = worlds.oauth_bot, worlds.connect, worlds.grid

FIXTURES = Path(__file__).parents[1] / "fixtures" / "payloads"
FORM = "application/x-www-form-urlencoded"


def load(name: str, **values: Any) -> dict[str, Any]:
    """The fixture with its `{{placeholders}}` filled in (each must be given)."""
    text = (FIXTURES / f"{name}.json").read_text()

    def fill(match: re.Match) -> str:
        return json.dumps(str(values[match.group(1)]))[1:-1]

    return json.loads(re.sub(r"\{\{(\w+)\}\}", fill, text))


def encode(payload: dict[str, Any]) -> tuple[str, str]:
    """The body and content type Slack sends this payload with."""
    if payload.get("type") == "event_callback":
        return json.dumps(payload), "application/json"
    if "command" in payload:
        return urlencode(payload), FORM
    return urlencode({"payload": json.dumps(payload)}), FORM


def dispatch(bot: Bot, payload: dict[str, Any], **headers: str) -> BoltResponse:
    """Signed, through Bolt's App.dispatch in this process."""
    body, content_type = encode(payload)
    ts = str(int(time.time()))
    signed = {
        "content-type": content_type,
        "x-slack-request-timestamp": ts,
        "x-slack-signature": sign(SIGNING_SECRET, ts, body),
        **{k.replace("_", "-"): v for k, v in headers.items()},
    }
    response = bot.runtime.bolt.dispatch(BoltRequest(body=body, headers=signed))
    bot.settle()
    return response


def fresh(standin: SlackStandIn, user: str, channel: str, message_ts: str | None = None) -> dict:
    return {
        "trigger_id": standin.new_trigger_id(user),
        "response_url": standin.new_response_url(channel, user, message_ts),
    }


def decisions(bot: Bot) -> list[Decision]:
    with bot.sessions() as session:
        return list(session.scalars(select(Decision).order_by(Decision.id)))


def card_values(standin: SlackStandIn, channel: str) -> dict[str, str]:
    card = standin.messages(channel)[-1]
    block = next(
        b
        for b in card["blocks"]
        if any(e.get("action_id") == ids.RECORD_RESOLUTION for e in b.get("elements", []))
    )
    return {"card_ts": card["ts"], "block_id": block["block_id"]}


def declared(bot: Bot, standin: SlackStandIn, **placeholders: Any) -> Decision:
    payload = load("slash_command", **fresh(standin, ALICE, GENERAL), **placeholders)
    assert dispatch(bot, payload).status == 200
    [decision] = decisions(bot)
    return decision


def opened_views(standin: SlackStandIn, user: str) -> list[str]:
    return [v["callback_id"] for v in standin.open_views(user)]


# -- slash commands --------------------------------------------------------------------------


def test_a_slash_command_declares_and_posts_the_card(bot, standin, errors_logged):
    decision = declared(bot, standin)
    assert (decision.team_id, decision.channel_id, decision.decider_id) == (HOME, GENERAL, BOB)
    [post] = standin.calls("chat.postMessage")
    assert post.ok and post.params["channel"] == GENERAL


def test_a_slash_command_over_http_is_answered_the_same(bot, slack, standin, errors_logged):
    body, content_type = encode(load("slash_command", **fresh(standin, ALICE, GENERAL)))
    reply = slack.send_raw(body, content_type)
    assert reply.status == 200
    bot.settle()
    [decision] = decisions(bot)
    assert decision.team_id == HOME and standin.calls("chat.postMessage")[0].ok


# -- block_actions: message, ephemeral message and Home tab ---------------------------------


def test_a_click_on_the_card_opens_the_resolution_form(bot, standin, errors_logged):
    decision = declared(bot, standin)
    where = card_values(standin, GENERAL)
    payload = load(
        "block_actions_message",
        decision_id=decision.id,
        **where,
        **fresh(standin, BOB, GENERAL, where["card_ts"]),
    )
    assert dispatch(bot, payload).status == 200
    assert opened_views(standin, BOB) == [ids.RESOLVE_VIEW]


def test_a_click_in_an_ephemeral_message_opens_the_charter_form(bot, standin, errors_logged):
    standin.add_user(ALICE, "alice", is_admin=True)
    payload = load("block_actions_ephemeral", block_id="charter", **fresh(standin, ALICE, GENERAL))
    assert dispatch(bot, payload).status == 200
    assert opened_views(standin, ALICE) == [ids.CHARTER_VIEW]


def test_a_click_on_the_home_tab_opens_the_resolution_form(bot, standin, errors_logged):
    decision = declared(bot, standin)
    event = load("event_app_home_opened_first", event_id="Ev0HOME1", bot_user="UBOT")
    assert dispatch(bot, event).status == 200
    home = standin.home(BOB)
    block = next(b for b in home["blocks"] if "Record resolution" in json.dumps(b))
    payload = load(
        "block_actions_home",
        view_id=home["id"],
        block_id=block.get("block_id", "Xq1"),  # Slack makes one up when the bot gave none
        decision_id=decision.id,
        trigger_id=standin.new_trigger_id(BOB),
    )
    assert dispatch(bot, payload).status == 200
    assert opened_views(standin, BOB) == [ids.RESOLVE_VIEW]


# -- view_submission: every input element type, untouched ones null -------------------------


def test_the_declaration_form_with_nulls_declares(bot, slack, standin, errors_logged):
    slack.command(ALICE, GENERAL, "")
    bot.settle()
    modal = standin.latest_view(ALICE)
    payload = load(
        "view_submission_declare",
        view_id=modal["id"],
        private_metadata=modal["private_metadata"],
        trigger_id=standin.new_trigger_id(ALICE),
    )
    response = dispatch(bot, payload)
    assert (response.status, response.body) == (200, "")
    [decision] = decisions(bot)
    assert (decision.team_id, decision.title, decision.decider_id) == (
        HOME,
        "Pick the CI provider",
        BOB,
    )
    assert decision.deadline is None and not decision.context
    assert standin.calls("chat.postMessage")[0].params["channel"] == GENERAL


# -- message shortcuts on rich-text, threaded and bot messages ------------------------------


@pytest.mark.parametrize(
    ("fixture", "title"),
    [
        ("message_action_rich_text", "Should we move *billing* to Postgres?"),
        ("message_action_bot_message", "Deploy of main failed: 3 tests red"),
    ],
)
def test_decide_on_this_opens_the_form_titled_after_the_message(
    bot, standin, errors_logged, fixture, title
):
    assert dispatch(bot, load(fixture, **fresh(standin, ALICE, GENERAL))).status == 200
    modal = standin.latest_view(ALICE)
    assert modal["callback_id"] == ids.DECLARE_VIEW
    field = next(b for b in modal["blocks"] if b["block_id"] == ids.TITLE)
    assert field["element"]["initial_value"].replace("*", "") == title.replace("*", "")
    assert json.loads(modal["private_metadata"]).get("response_url")


def test_a_poll_started_on_a_threaded_message_posts_in_that_thread(bot, standin, errors_logged):
    payload = load("message_action_threaded", **fresh(standin, ALICE, GENERAL))
    assert dispatch(bot, payload).status == 200
    modal = standin.latest_view(ALICE)
    submission = load(
        "view_submission_poll",
        view_id=modal["id"],
        private_metadata=modal["private_metadata"],
        trigger_id=standin.new_trigger_id(ALICE),
    )
    response = dispatch(bot, submission)
    assert (response.status, response.body) == (200, "")
    posts = [c for c in standin.calls("chat.postMessage") if c.ok]
    assert posts and {p.params["thread_ts"] for p in posts} == {"1700000000.000810"}
    [decision] = decisions(bot)
    assert (decision.team_id, decision.thread_ts) == (HOME, "1700000000.000810")


# -- app_home_opened, with and without a view, redelivered ----------------------------------


def test_home_opened_with_and_without_a_view_and_redelivered_draws_the_home(
    bot, standin, errors_logged
):
    declared(bot, standin)
    first = load("event_app_home_opened_first", event_id="Ev0HOME2", bot_user="UBOT")
    assert dispatch(bot, first).status == 200
    home = standin.home(BOB)
    again = load(
        "event_app_home_opened_with_view", event_id="Ev0HOME3", bot_user="UBOT", view_id=home["id"]
    )
    retried = dispatch(bot, again, x_slack_retry_num="1", x_slack_retry_reason="http_timeout")
    assert retried.status == 200
    assert "Pick the CI provider" in json.dumps(standin.home(BOB))
    assert all(c.ok for c in standin.calls("views.publish"))


def test_a_workflow_step_run_as_slack_documents_it_completes_once(bot, standin, errors_logged):
    run = standin.start_function(ids.FIND_WHO_DECIDES_STEP, {"domain": "design"})
    payload = load(
        "event_function_executed",
        function_execution_id=run["function_execution_id"],
        bot_access_token=run["bot_access_token"],
        event_id="Ev0STEP1",
        bot_user="UBOT",
    )
    assert (
        payload["event"]["function"]["output_parameters"] == run["function"]["output_parameters"]
    )  # the fixture's function is the one manifest.yml declares
    assert dispatch(bot, payload).status == 200
    again = dispatch(bot, payload, x_slack_retry_num="1", x_slack_retry_reason="http_timeout")
    assert again.status == 200
    done = standin.execution(run["function_execution_id"])
    assert done["state"] == "completed" and len(done["completions"]) == 1
    assert done["outputs"]["source"] == "none"


# -- Slack Connect ---------------------------------------------------------------------------


def test_a_partner_clicks_and_submits_in_a_shared_channel_kept_at_home(
    oauth_bot, connect, standin, errors_logged
):
    connect.command(ALICE, SHARED, f"Pick the shared API version <@{OUTSIDER}|pat>")
    oauth_bot.settle()
    [decision] = decisions(oauth_bot)
    where = card_values(standin, SHARED)
    click = load(
        "block_actions_slack_connect",
        decision_id=decision.id,
        **where,
        **fresh(standin, OUTSIDER, SHARED, where["card_ts"]),
    )
    assert dispatch(oauth_bot, click).status == 200
    modal = standin.latest_view(OUTSIDER)
    assert modal["callback_id"] == ids.RESOLVE_VIEW
    submission = load(
        "view_submission_resolve_slack_connect",
        view_id=modal["id"],
        private_metadata=modal["private_metadata"],
        trigger_id=standin.new_trigger_id(OUTSIDER),
    )
    assert dispatch(oauth_bot, submission).body == ""
    [decision] = decisions(oauth_bot)
    assert (decision.team_id, decision.status, decision.resolution) == (
        HOME,
        Status.DECIDED,
        "Version 3",
    )
    assert "Version 3" in json.dumps(standin.messages(SHARED)[-1]["blocks"])


# -- org-wide installs on Enterprise Grid ---------------------------------------------------


def test_org_wide_command_click_submission_and_home_land_in_the_workspace(
    oauth_bot, grid, standin, errors_logged
):
    command = load("slash_command_org_wide", **fresh(standin, A1, GRID_CHANNEL))
    assert dispatch(oauth_bot, command).status == 200
    [decision] = decisions(oauth_bot)
    assert decision.team_id == GRID_A
    where = card_values(standin, GRID_CHANNEL)
    click = load(
        "block_actions_org_wide",
        decision_id=decision.id,
        **where,
        **fresh(standin, A1, GRID_CHANNEL, where["card_ts"]),
    )
    assert dispatch(oauth_bot, click).status == 200
    modal = standin.latest_view(A1)
    submission = load(
        "view_submission_resolve_org_wide",
        view_id=modal["id"],
        private_metadata=modal["private_metadata"],
        trigger_id=standin.new_trigger_id(A1),
    )
    assert dispatch(oauth_bot, submission).body == ""
    [decision] = decisions(oauth_bot)
    assert (decision.team_id, decision.status) == (GRID_A, Status.DECIDED)

    home = load("event_app_home_opened_org_wide", event_id="Ev0GRID1", bot_user="UBE0GRID")
    assert dispatch(oauth_bot, home).status == 200
    assert "Grid SSO" in json.dumps(standin.home(A1))


@pytest.mark.parametrize(
    "fixture", ["event_app_home_opened_org_wide", "event_app_home_opened_org_wide_no_team"]
)
def test_org_wide_events_land_in_the_workspace_with_or_without_a_team_in_authorizations(
    oauth_bot, grid, standin, errors_logged, fixture
):
    """Slack's org-wide sample event names the workspace in `authorizations[0].team_id`
    (api.slack.com/enterprise/apps/reference); slackapi/bolt-js#1720 reported it null. The
    organisation's one install is found and the Home drawn for the workspace either way."""
    dispatch(oauth_bot, load("slash_command_org_wide", **fresh(standin, A1, GRID_CHANNEL)))
    home = load(fixture, event_id=f"Ev0{fixture[-7:].upper()}", bot_user="UBE0GRID")
    assert dispatch(oauth_bot, home).status == 200
    assert "Grid SSO" in json.dumps(standin.home(A1))
    [publish] = standin.calls("views.publish")
    assert publish.team_id == GRID  # the organisation's token, the one install


def test_org_wide_uninstall_forgets_the_organisation(oauth_bot, grid, standin, errors_logged):
    dispatch(oauth_bot, load("slash_command_org_wide", **fresh(standin, A1, GRID_CHANNEL)))
    standin.uninstall(GRID)
    event = load("event_app_uninstalled_org_wide", event_id="Ev0GRID2", bot_user="UBE0GRID")
    assert dispatch(oauth_bot, event).status == 200
    installations = oauth_bot.runtime.oauth.installations
    assert (
        installations.find_bot(enterprise_id=GRID, team_id=None, is_enterprise_install=True) is None
    )


# -- tokens_revoked and app_uninstalled ------------------------------------------------------


@pytest.mark.parametrize("fixture", ["event_tokens_revoked", "event_app_uninstalled"])
def test_losing_the_install_stops_the_workspaces_schedules(
    oauth_bot, connect, standin, errors_logged, fixture
):
    connect.command(ALICE, GENERAL, "checkin 09:30 mon-fri UTC")
    oauth_bot.settle()
    standin.uninstall(HOME)
    event = load(fixture, event_id=f"Ev0{fixture[-6:].upper()}", bot_user=standin.bot_user_id(HOME))
    assert dispatch(oauth_bot, event).status == 200
    with oauth_bot.sessions() as session:
        [row] = session.scalars(select(ChannelSchedule)).all()
    assert (row.team_id, row.disabled_reason) == (HOME, "uninstalled")
    installations = oauth_bot.runtime.oauth.installations
    assert installations.find_bot(enterprise_id=None, team_id=HOME) is None
