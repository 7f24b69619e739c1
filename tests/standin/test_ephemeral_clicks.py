"""Clicks on messages only one person sees, and channels' member counts, as Slack has them."""

from __future__ import annotations

import json

from slack_sdk import WebClient

from app.standin import SlackStandIn, payloads
from tests.standin.test_server import post_json

BUTTON = {
    "type": "actions",
    "block_id": "b",
    "elements": [
        {
            "type": "button",
            "action_id": "edit",
            "value": "1",
            "text": {"type": "plain_text", "text": "Edit"},
        }
    ],
}


def test_a_click_on_an_ephemeral_message_says_so_and_carries_no_copy_of_it(
    standin: SlackStandIn, client: WebClient
):
    ts = client.chat_postEphemeral(channel="C1", user="U1", text="t", blocks=[BUTTON])["message_ts"]
    shown = standin.ephemeral("C1", ts)
    payload = payloads.block_actions(
        standin, user="U1", action_id="edit", api_app_id="A1", ephemeral=shown
    )
    assert payload["container"] == {
        "type": "message",
        "message_ts": ts,
        "channel_id": "C1",
        "is_ephemeral": True,
    }
    assert "message" not in payload  # Slack never sends an ephemeral message back
    assert payload["channel"]["id"] == "C1" and payload["actions"][0]["value"] == "1"
    # Its response_url replaces the ephemeral message in place, as Slack allows.
    status, _ = post_json(payload["response_url"], {"replace_original": True, "text": "new"})
    assert status == 200 and standin.ephemeral("C1", ts)["text"] == "new"
    status, _ = post_json(payload["response_url"], {"delete_original": True})
    assert status == 200 and standin.ephemeral("C1", ts) is None


def test_a_response_url_ephemeral_and_an_acknowledgement_get_a_ts_to_click_on(
    standin: SlackStandIn,
):
    url = standin.new_response_url("C1", "U1")
    status, _ = post_json(url, {"text": "only you", "blocks": [BUTTON]})
    [response] = standin.responses("U1")
    assert status == 200 and response["ephemeral_ts"]
    assert standin.ephemeral("C1", response["ephemeral_ts"])["blocks"] == [BUTTON]
    acked = standin.show_acknowledgement("C1", "U1", {"text": "ack", "blocks": [BUTTON]})
    assert standin.ephemeral("C1", acked)["text"] == "ack"


def test_home_tab_clicks_come_from_the_view(standin: SlackStandIn, client: WebClient):
    client.views_publish(user_id="U1", view={"type": "home", "blocks": [BUTTON]})
    view = standin.home("U1")
    payload = payloads.block_actions(
        standin, user="U1", action_id="edit", api_app_id="A1", view=view
    )
    assert payload["container"] == {"type": "view", "view_id": view["id"]}
    assert "response_url" not in payload and payload["view"]["type"] == "home"


def test_num_members_only_when_asked_and_counting_the_bot(standin: SlackStandIn, client: WebClient):
    for user in ("U2", "U3", "U4", "U5"):
        standin.add_user(user, user.lower())
    standin.add_channel("C5", "five", members={"U1", "U2", "U3"})
    assert "num_members" not in client.conversations_info(channel="C5")["channel"]
    info = client.conversations_info(channel="C5", include_num_members=True)["channel"]
    assert info["num_members"] == 4  # three people and the bot, which has joined
    everyone = client.conversations_info(channel="C1", include_num_members=True)["channel"]
    assert everyone["num_members"] == 6  # a channel of everyone: five people and the bot
    assert json.dumps(info)  # plain JSON, as Slack answers
