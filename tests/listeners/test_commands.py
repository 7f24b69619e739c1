"""The slash command surface, dispatched in-process: /decide declares, searches and refuses."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from app.standin.payloads import slash_command
from app.vocabulary import Status
from tests.e2e.conftest import ALICE, BOB, CAROL, GENERAL
from tests.listeners.helpers import decisions_in, declare

FORM = "application/x-www-form-urlencoded"


def test_declaring_with_a_mention_stores_the_decision_and_posts_its_card(
    slack, standin, errors_logged
):
    reply = slack.command(ALICE, GENERAL, "Pick the billing database <@U0BOB|bob>")
    assert reply.status == 200
    [decision] = decisions_in(slack)
    assert (decision.title, decision.decider_id, decision.created_by, decision.status) == (
        "Pick the billing database",
        BOB,
        ALICE,
        Status.OPEN,
    )
    [post] = standin.calls("chat.postMessage")
    assert post.params["channel"] == GENERAL
    assert "<@U0BOB>" in json.dumps(post.params["blocks"])
    card = standin.messages(GENERAL)[0]
    assert decision.card_ts == card["ts"]
    assert decision.permalink.startswith("https://acme.slack.com/archives/C0GENERAL/p")


def test_a_forged_signature_is_refused_before_any_listener_runs(slack, standin):
    fields = slash_command(
        standin,
        user=ALICE,
        channel=GENERAL,
        text="Pick <@U0BOB|bob>",
        command="/decide",
        api_app_id="A0001",
    )
    reply = slack.send_raw(urlencode(fields), FORM, signature="v0=" + "0" * 64)
    assert reply.status == 401
    assert decisions_in(slack) == []
    assert standin.calls("chat.postMessage") == []


def test_log_answers_only_the_asker_with_matches(slack, standin, errors_logged):
    declare(slack, "Pick the billing database <@U0BOB|bob>")
    declare(slack, "Hiring plan <@U0BOB|bob>")
    assert slack.command(CAROL, GENERAL, "log billing").status == 200
    [answer] = standin.responses(CAROL)
    assert answer["payload"]["response_type"] == "ephemeral"
    text = json.dumps(answer["payload"]["blocks"])
    assert "Pick the billing database" in text and "Hiring plan" not in text
    assert len(standin.messages(GENERAL)) == 2  # nothing new in the channel


def test_a_card_the_channel_refuses_keeps_nothing_and_says_how_to_invite(
    slack, standin, errors_logged
):
    standin.add_channel("C0SECRET", "secret", is_member=False)
    slack.command(ALICE, "C0SECRET", "Pick the billing database <@U0BOB|bob>")
    [answer] = standin.responses(ALICE)
    assert "/invite @Deference" in answer["payload"]["text"]
    assert decisions_in(slack) == []
