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


def test_a_poll_cannot_ask_for_more_responses_than_the_channel_has_people(
    slack, standin, errors_logged
):
    standin.add_channel("C0FIVE", "five", members={ALICE, BOB, CAROL, "U0DAVE", "U0ERIN"})
    reply = slack.command(ALICE, "C0FIVE", "poll Which queue --min 50")
    assert reply.status == 200 and reply.json["response_type"] == "ephemeral"
    assert "Only 5 people can answer in this channel" in reply.json["text"]
    assert "`--min 5`" in reply.json["text"]
    assert decisions_in(slack) == []  # nothing stored, no card
    [asked] = standin.calls("conversations.info")
    assert asked.params["include_num_members"] in (True, "true", "1", 1)
    assert slack.command(ALICE, "C0FIVE", "poll Which queue --min 5").status == 200
    assert len(decisions_in(slack)) == 1
    assert slack.command(ALICE, "C0FIVE", "poll Which cache").status == 200
    assert len(standin.calls("conversations.info")) == 2  # --min 1 asks Slack nothing


def test_a_mistake_shows_its_own_usage_line_not_the_whole_help(slack, errors_logged):
    reply = slack.command(ALICE, GENERAL, "chekin 9:30")
    shown = json.dumps(reply.json["blocks"])
    assert "Did you mean `/decide checkin 9:30`?" in reply.json["text"]
    assert "/decide checkin &lt;09:30&gt;" in shown and "/decide log [words]" not in shown
    assert decisions_in(slack) == []  # no decision called “chekin 9:30”
