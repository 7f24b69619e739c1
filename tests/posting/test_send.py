"""app.posting.send against the stand-in: telling one person, updating, explaining refusals."""

from __future__ import annotations

import logging

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from app.blocks.messages import build_notice
from app.blocks.slack_errors import CHANNEL_PROBLEMS
from app.posting.send import explain_slack_error, slack_error_code, tell, update_message
from app.standin import SlackStandIn
from tests.posting.conftest import ALICE, ARCHIVED, GENERAL, OUTSIDE


def refusal(client: WebClient, channel: str, text: str = "hello") -> SlackApiError:
    with pytest.raises(SlackApiError) as refused:
        client.chat_postMessage(channel=channel, text=text)
    return refused.value


@pytest.mark.parametrize(
    ("channel", "error"), [(OUTSIDE, "not_in_channel"), (ARCHIVED, "is_archived")]
)
def test_a_channel_problem_is_explained_in_words(client, channel, error):
    exc = refusal(client, channel)
    assert slack_error_code(exc) == error
    assert explain_slack_error(exc) == CHANNEL_PROBLEMS[error]


def test_any_other_refusal_names_slack_s_error(client):
    exc = refusal(client, GENERAL, text="x" * 50_000)
    assert slack_error_code(exc) == "msg_too_long"
    assert explain_slack_error(exc) == (
        "Slack refused the message (`msg_too_long`). Please try again in a moment."
    )


def test_a_refusal_without_an_error_code_is_unknown_error():
    exc = SlackApiError("no body", {"ok": False})
    assert slack_error_code(exc) == "unknown_error"
    assert "`unknown_error`" in explain_slack_error(exc)


def test_tell_uses_the_response_url_and_leaves_the_original_alone(client, standin):
    original = client.chat_postMessage(channel=GENERAL, text="the card")["ts"]
    url = standin.new_response_url(GENERAL, ALICE, message_ts=original)
    tell(client, user_id=ALICE, text="only you", blocks=build_notice("only you"), response_url=url)
    [answer] = standin.responses(ALICE)
    assert answer["payload"]["text"] == "only you"
    assert answer["payload"]["response_type"] == "ephemeral"
    assert answer["payload"]["replace_original"] is False
    assert answer["payload"]["blocks"][0]["type"] == "section"
    [card] = standin.messages(GENERAL)
    assert card["text"] == "the card" and card["edited"] is None
    assert standin.calls("chat.postEphemeral") == [] and len(standin.messages()) == 1


def test_tell_without_response_url_posts_an_ephemeral_in_the_channel(client, standin):
    tell(client, user_id=ALICE, text="only you", channel_id=GENERAL)
    [ephemeral] = standin.ephemerals(ALICE)
    assert ephemeral["channel"] == GENERAL and ephemeral["text"] == "only you"
    assert standin.messages() == []


def test_tell_falls_back_to_a_direct_message_when_the_ephemeral_is_refused(client, standin, caplog):
    caplog.set_level(logging.INFO, logger="app.posting.send")
    tell(client, user_id=ALICE, text="only you", channel_id=OUTSIDE)
    assert standin.ephemerals() == []
    [dm] = standin.messages(ALICE)
    assert dm["text"] == "only you"
    assert "sending a DM" in caplog.text


def test_tell_with_nowhere_else_to_go_sends_a_direct_message(client, standin):
    tell(client, user_id=ALICE, text="only you")
    assert [m["text"] for m in standin.messages(ALICE)] == ["only you"]
    assert standin.calls("chat.postEphemeral") == []


def test_update_message_redraws_in_place(client, standin: SlackStandIn):
    ts = client.chat_postMessage(channel=GENERAL, text="before")["ts"]
    assert update_message(client, GENERAL, ts, "after", build_notice("after")) is True
    [message] = standin.messages(GENERAL)
    assert message["ts"] == ts and message["text"] == "after"
    assert [old["text"] for old in message["history"]] == ["before"]


def test_update_message_reports_a_refusal_and_logs_what_was_not_updated(client, caplog):
    caplog.set_level(logging.WARNING, logger="app.posting.send")
    assert update_message(client, GENERAL, "1.000001", "after", None, what="card 7") is False
    assert "card 7 not updated: message_not_found" in caplog.text
    assert update_message(client, GENERAL, "1.000001", "after", None) is False
    assert f"message 1.000001 in {GENERAL} not updated: message_not_found" in caplog.text
