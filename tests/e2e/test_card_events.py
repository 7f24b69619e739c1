"""Every card carries its decision event as Slack message metadata, posted and redrawn."""

from __future__ import annotations

from slack_sdk import WebClient

from app import ids
from tests.e2e.conftest import ALICE, BOB, BOT_TOKEN, GENERAL


def v(value):
    return {ids.VALUE: value}


def metadata_of(standin):
    [card] = standin.messages(GENERAL)
    return card["metadata"]


def test_the_card_carries_its_event_from_opened_to_escalated_to_decided(
    bot, slack, standin, errors_logged
):
    assert slack.command(ALICE, GENERAL, f"Pick the queue <@{BOB}|bob>").status == 200
    bot.settle()
    opened = metadata_of(standin)
    assert opened["event_type"] == "decision_opened"
    number = opened["event_payload"]["number"]
    assert opened["event_payload"] == {
        "number": number,
        "title": "Pick the queue",
        "status": "open",
        "decider": BOB,
        "zone": "local",
    }
    [card] = standin.messages(GENERAL)
    slack.click(ALICE, ids.ESCALATE, message=card)
    bot.settle()
    slack.submit(ALICE, standin.latest_view(ALICE), {ids.REASON: v("Touches customer data")})
    bot.settle()
    escalated = metadata_of(standin)
    assert escalated["event_type"] == "decision_escalated"
    assert escalated["event_payload"]["zone"] == "principle"

    slack.click(BOB, ids.RECORD_RESOLUTION, message=standin.messages(GENERAL)[0])
    bot.settle()
    slack.submit(BOB, standin.latest_view(BOB), {ids.RESOLUTION: v("SQS")})
    bot.settle()
    decided = metadata_of(standin)
    assert decided["event_type"] == "decision_decided"
    assert decided["event_payload"]["status"] == "decided"
    # Every post and every redraw of the card sent the metadata of its status at that moment.
    sent = [c.params.get("metadata") for c in standin.calls() if c.method.startswith("chat.")]
    sent = [m for m in sent if m is not None]
    assert [m["event_type"] for m in sent] == [
        "decision_opened",
        "decision_escalated",
        "decision_decided",
    ]


def test_other_apps_read_it_back_only_when_they_ask_for_metadata(bot, slack, standin):
    assert slack.command(ALICE, GENERAL, f"Pick the queue <@{BOB}|bob>").status == 200
    bot.settle()
    reader = WebClient(token=BOT_TOKEN, base_url=standin.api_url)
    plain = reader.conversations_history(channel=GENERAL)["messages"]
    assert plain and "metadata" not in plain[0]
    full = reader.conversations_history(channel=GENERAL, include_all_metadata=True)["messages"]
    assert full[0]["metadata"]["event_type"] == "decision_opened"


def test_cancelled_reopened_and_superseded_cards_carry_their_events(
    bot, slack, standin, errors_logged
):
    assert slack.command(ALICE, GENERAL, f"Pick the queue <@{BOB}|bob>").status == 200
    bot.settle()
    number = metadata_of(standin)["event_payload"]["number"]
    assert slack.command(ALICE, GENERAL, f"cancel {number} Duplicate").status == 200
    bot.settle()
    assert metadata_of(standin)["event_type"] == "decision_cancelled"
    assert metadata_of(standin)["event_payload"]["status"] == "cancelled"
    assert slack.command(ALICE, GENERAL, f"reopen {number} Not a duplicate").status == 200
    bot.settle()
    assert metadata_of(standin)["event_type"] == "decision_opened"
    superseding = f"supersede {number} Pick the stream <@{BOB}|bob>"
    assert slack.command(ALICE, GENERAL, superseding).status == 200
    bot.settle()
    old, new = standin.messages(GENERAL)
    assert old["metadata"]["event_type"] == "decision_superseded"
    assert old["metadata"]["event_payload"]["number"] == number
    assert new["metadata"]["event_type"] == "decision_opened"
    assert new["metadata"]["event_payload"]["title"] == "Pick the stream"
