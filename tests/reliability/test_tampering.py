"""Nothing trusted from the client: ids in button values and private_metadata are re-checked
against the team and the acting user in the database before anything changes."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app import ids
from app.db.models import Decision
from app.standin.payloads import block_actions, view_submission
from app.vocabulary import Status
from tests.e2e.conftest import ALICE, BOB, CAROL, GENERAL
from tests.reliability.figures import Figure

FIGURE = Figure("Tampered button values and private_metadata")


@pytest.fixture(scope="module", autouse=True)
def _record_figures():
    yield
    FIGURE.write()


@pytest.fixture
def card(bot, slack, standin):
    slack.command(ALICE, GENERAL, "Pick the billing database <@U0BOB|bob>")
    bot.settle()
    return standin.messages(GENERAL)[-1]


def statuses(bot) -> list[Status]:
    with bot.sessions() as session:
        return list(session.scalars(select(Decision.status).order_by(Decision.id)))


@pytest.mark.parametrize("value", ["abc", "-1", "0", "999999", "1 OR 1=1", "", "1" * 40])
def test_tampered_button_value_changes_nothing(bot, slack, standin, card, value, errors_logged):
    payload = block_actions(
        standin, user=BOB, action_id=ids.RECORD_RESOLUTION, api_app_id="A0001", message=card
    )
    payload["actions"][0]["value"] = value
    reply = slack.interaction(payload)
    bot.settle()
    FIGURE.tried += 1
    assert reply.status in (200, 400)
    FIGURE.count(f"HTTP {reply.status}")
    assert [c for c in standin.calls("views.open") if c.ok] == []
    assert statuses(bot) == [Status.OPEN]


def test_button_from_another_team_is_not_found(bot, slack, standin, card, errors_logged):
    payload = block_actions(
        standin, user=BOB, action_id=ids.RECORD_RESOLUTION, api_app_id="A0001", message=card
    )
    payload["team"] = {"id": "T0OTHER", "domain": "other"}
    payload["user"]["team_id"] = "T0OTHER"
    slack.interaction(payload)
    bot.settle()
    FIGURE.tried += 1
    assert [c for c in standin.calls("views.open") if c.ok] == []
    [answer] = standin.responses(BOB)
    assert "does not exist in this workspace" in answer["payload"]["text"]
    FIGURE.count("refused with a message")


def resolve_form(bot, slack, standin, card, user=BOB):
    slack.click(user, ids.RECORD_RESOLUTION, message=card)
    bot.settle()
    return standin.latest_view(user)


@pytest.mark.parametrize(
    "metadata",
    ["{", "[]", '{"decision_id": "1"}', '{"decision_id": true}', '{"decision_id": 424242}', ""],
)
def test_tampered_private_metadata_changes_nothing(
    bot, slack, standin, card, metadata, errors_logged
):
    view = resolve_form(bot, slack, standin, card)
    payload = view_submission(
        standin, user=BOB, view=view, values={ids.RESOLUTION: {"value": "x"}}, api_app_id="A0001"
    )
    payload["view"]["private_metadata"] = metadata
    reply = slack.interaction(payload)
    bot.settle()
    FIGURE.tried += 1
    FIGURE.count(f"HTTP {reply.status}")
    assert reply.status in (200, 400)
    if reply.status == 200:
        assert reply.json["response_action"] == "errors"
    assert statuses(bot) == [Status.OPEN]


def test_resolution_submitted_by_someone_else_is_refused_inline(
    bot, slack, standin, card, errors_logged
):
    view = resolve_form(bot, slack, standin, card)  # Bob's own form...
    payload = view_submission(  # ...submitted as Carol, who may not decide it
        standin, user=CAROL, view=view, values={ids.RESOLUTION: {"value": "x"}}, api_app_id="A0"
    )
    reply = slack.interaction(payload)
    bot.settle()
    FIGURE.tried += 1
    assert "Only the decider" in reply.json["errors"][ids.RESOLUTION]
    assert statuses(bot) == [Status.OPEN]
    FIGURE.count("refused inline")


def test_response_url_in_metadata_must_be_slacks(bot, slack, standin, errors_logged):
    standin.add_channel("C0SECRET", "secret", is_member=False)
    slack.command(ALICE, "C0SECRET", "")
    bot.settle()
    view = standin.latest_view(ALICE)
    payload = view_submission(
        standin,
        user=ALICE,
        view=view,
        values={ids.TITLE: {"value": "Pick"}, ids.DECIDER: {"value": BOB}},
        api_app_id="A0001",
    )
    metadata = json.loads(payload["view"]["private_metadata"])
    metadata["response_url"] = "http://169.254.169.254/latest/meta-data"
    payload["view"]["private_metadata"] = json.dumps(metadata)
    slack.interaction(payload)
    bot.settle()
    FIGURE.tried += 1
    # The refusal reaches Alice through Slack (a DM), never through the planted URL.
    [dm] = standin.messages(ALICE)
    assert "/invite @Deference" in dm["text"]
    FIGURE.count("planted response_url ignored")
