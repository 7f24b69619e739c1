"""Web API semantics of the stand-in, exercised through slack_sdk over real HTTP."""

from __future__ import annotations

import json
import threading
import urllib.request
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from app.standin import ManualClock, SlackStandIn

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def section(text: str = "x") -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def modal(title: str = "Decide", **extra: Any) -> dict[str, Any]:
    return {"type": "modal", "title": {"type": "plain_text", "text": title}, "blocks": [], **extra}


def error_of(call: Any) -> str:
    with pytest.raises(SlackApiError) as caught:
        call()
    return str(caught.value.response["error"])


def post_json(url: str, payload: dict[str, Any]) -> tuple[int, str]:
    request = urllib.request.Request(  # noqa: S310
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with OPENER.open(request, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_auth(standin: SlackStandIn, client: WebClient) -> None:
    answer = client.auth_test()
    assert answer["user_id"] == "UBOT" and answer["team_id"] == "T0001"
    assert answer["url"] == "https://acme.slack.com/"
    bad = WebClient(base_url=standin.api_url, token="xoxb-wrong", retry_handlers=[])
    assert error_of(bad.auth_test) == "invalid_auth"
    assert error_of(lambda: client.api_call("nope.never")) == "unknown_method"


def test_form_encoded_params_are_decoded(standin: SlackStandIn) -> None:
    form = f"token={standin.bot_token}&channel=C1&blocks=" + urllib.parse.quote(
        json.dumps([section("form")])
    )
    request = urllib.request.Request(  # noqa: S310
        standin.api_url + "chat.postMessage", data=form.encode()
    )
    with OPENER.open(request, timeout=5) as response:
        assert json.loads(response.read())["ok"] is True
    (call,) = standin.calls("chat.postMessage")
    assert call.params["blocks"][0]["text"]["text"] == "form" and call.token == standin.bot_token


def test_post_message_rules(standin: SlackStandIn, client: WebClient) -> None:
    standin.add_channel("CARCH", "old", is_archived=True)
    standin.add_channel("COUT", "elsewhere", is_member=False)
    with pytest.warns(UserWarning):  # slack_sdk itself warns about a missing text
        assert error_of(lambda: client.chat_postMessage(channel="C1")) == "no_text"
    assert error_of(lambda: client.chat_postMessage(channel="C1", text="x" * 40001)) == (
        "msg_too_long"
    )
    assert error_of(lambda: client.chat_postMessage(channel="CARCH", text="x")) == "is_archived"
    assert error_of(lambda: client.chat_postMessage(channel="COUT", text="x")) == "not_in_channel"
    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel="C1", text="x", blocks=[section()] * 51)
    assert caught.value.response["error"] == "invalid_blocks"
    assert caught.value.response["errors"]
    assert client.chat_postMessage(channel="U1", text="dm")["ok"]
    first = client.chat_postMessage(channel="C1", text="one")
    second = client.chat_postMessage(channel="C1", text="two", thread_ts=first["ts"])
    assert float(second["ts"]) > float(first["ts"])
    assert [m["text"] for m in standin.messages("C1")] == ["one", "two"]
    assert standin.messages("C1")[1]["thread_ts"] == first["ts"]
    assert standin.messages("C1")[0]["user"] == "UBOT"


def test_update_keeps_history(standin: SlackStandIn, client: WebClient) -> None:
    posted = client.chat_postMessage(channel="C1", text="v1", blocks=[section("v1")])
    client.chat_update(channel="C1", ts=posted["ts"], text="v2", blocks=[section("v2")])
    (message,) = standin.messages("C1")
    assert message["text"] == "v2" and message["blocks"][0]["text"]["text"] == "v2"
    assert [h["text"] for h in message["history"]] == ["v1"] and message["edited"]
    assert error_of(lambda: client.chat_update(channel="C1", ts="1.2", text="x")) == (
        "message_not_found"
    )


def test_ephemeral_and_permalink(standin: SlackStandIn, client: WebClient) -> None:
    assert client.chat_postEphemeral(channel="C1", user="U1", text="psst")["message_ts"]
    assert [e["text"] for e in standin.ephemerals("U1")] == ["psst"]
    assert standin.ephemerals("U2") == []
    posted = client.chat_postMessage(channel="C123", text="hello")
    link = client.chat_getPermalink(channel="C123", message_ts=posted["ts"])["permalink"]
    assert link == f"https://acme.slack.com/archives/C123/p{posted['ts'].replace('.', '')}"
    lookup = lambda: client.chat_getPermalink(channel="C123", message_ts="1.000001")  # noqa: E731
    assert error_of(lookup) == "message_not_found"


def test_directory(standin: SlackStandIn, client: WebClient) -> None:
    standin.add_user("U1", "alice", real_name="Alice A", tz="America/New_York", is_admin=True)
    user = client.users_info(user="U1")["user"]
    assert user["real_name"] == "Alice A" and user["profile"]["display_name"] == "alice"
    assert user["tz_offset"] == -5 * 3600  # 2023-11-14 on the manual clock: EST
    assert user["is_admin"] and not user["is_bot"] and not user["deleted"]
    assert client.users_info(user="UBOT")["user"]["is_bot"]
    assert error_of(lambda: client.users_info(user="U404")) == "user_not_found"
    standin.add_channel("C1", "general")
    assert client.conversations_info(channel="C1")["channel"]["name"] == "general"
    assert error_of(lambda: client.conversations_info(channel="C404")) == "channel_not_found"
    assert error_of(lambda: client.conversations_open(users="U1")) == "missing_scope"
    standin.scopes += ("im:write",)  # an install that granted im:write, which ours does not ask
    assert client.conversations_open(users="U1")["channel"]["id"].startswith("D")


def test_delete(standin: SlackStandIn, client: WebClient) -> None:
    posted = client.chat_postMessage(channel="C1", text="bye")
    assert client.chat_delete(channel="C1", ts=posted["ts"])["ok"]
    assert standin.messages("C1")[0]["deleted"] is True
    assert error_of(lambda: client.chat_delete(channel="C1", ts=posted["ts"])) == (
        "message_not_found"
    )


def test_wait_for_blocks_until_recorded(standin: SlackStandIn, client: WebClient) -> None:
    poster = threading.Thread(
        target=lambda: [client.chat_postMessage(channel="C1", text=t) for t in ("a", "b")]
    )
    poster.start()
    calls = standin.wait_for("chat.postMessage", lambda c: c.params["text"] == "b")
    poster.join()
    assert calls[0].params["channel"] == "C1" and calls[0].ok
    assert len(standin.wait_for("chat.postMessage", count=2)) == 2
    with pytest.raises(AssertionError, match=r"recorded 2 call\(s\)"):
        standin.wait_for("chat.delete", timeout=0.05)
    standin.reset()
    assert standin.calls() == [] and standin.messages() == []


def test_triggers_and_views(standin: SlackStandIn, client: WebClient, clock: ManualClock) -> None:
    assert error_of(lambda: client.views_open(trigger_id="1.x", view=modal())) == (
        "invalid_trigger_id"
    )
    stale = standin.new_trigger_id("U1")
    clock.advance(3.5)
    assert error_of(lambda: client.views_open(trigger_id=stale, view=modal())) == (
        "expired_trigger_id"
    )
    trigger = standin.new_trigger_id("U1")
    with pytest.raises(SlackApiError) as caught:
        client.views_open(trigger_id=trigger, view=modal("t" * 25))
    assert caught.value.response["response_metadata"]["messages"]
    view = client.views_open(trigger_id=trigger, view=modal(callback_id="cb"))["view"]
    assert view["id"].startswith("V") and view["state"] == {"values": {}}
    assert error_of(lambda: client.views_open(trigger_id=trigger, view=modal())) == (
        "exchanged_trigger_id"
    )
    updated = client.views_update(view_id=view["id"], hash=view["hash"], view=modal("Next"))
    assert updated["view"]["title"]["text"] == "Next"
    stale_hash = lambda: client.views_update(  # noqa: E731
        view_id=view["id"], hash=view["hash"], view=modal()
    )
    assert error_of(stale_hash) == "hash_conflict"
    pushed = client.views_push(trigger_id=standin.new_trigger_id("U1"), view=modal("Pushed"))
    assert pushed["view"]["previous_view_id"] == view["id"]
    assert [v["title"]["text"] for v in standin.open_views("U1")] == ["Next", "Pushed"]
    assert standin.latest_view("U1")["title"]["text"] == "Pushed"
    assert standin.view_user(view["id"]) == "U1" and standin.open_views("U2") == []
    assert set(standin.views) == {view["id"], pushed["view"]["id"]}


def test_home_publish(standin: SlackStandIn, client: WebClient) -> None:
    standin.add_user("U1", "alice")
    client.views_publish(user_id="U1", view={"type": "home", "blocks": [section()] * 100})
    assert len(standin.home("U1")["blocks"]) == 100
    too_big = {"type": "home", "blocks": [section()] * 101}
    assert error_of(lambda: client.views_publish(user_id="U1", view=too_big)) == (
        "invalid_arguments"
    )


def test_response_url_limits(standin: SlackStandIn, client: WebClient, clock: ManualClock) -> None:
    posted = client.chat_postMessage(channel="C1", text="original")
    url = standin.new_response_url("C1", "U1", message_ts=posted["ts"])
    assert post_json(url, {"text": "new", "replace_original": True}) == (200, '{"ok": true}')
    assert standin.messages("C1")[0]["text"] == "new"
    assert post_json(url, {"text": "x", "blocks": [section()] * 51}) == (400, "invalid_blocks")
    for _ in range(4):
        assert post_json(url, {"text": "eph", "response_type": "ephemeral"})[0] == 200
    assert post_json(url, {"text": "sixth"}) == (404, "used_url")
    assert len(standin.responses("U1")) == 5 and standin.responses("U1")[0]["channel"] == "C1"
    fresh = standin.new_response_url("C1", "U1")
    assert post_json(fresh, {"text": "shout", "response_type": "in_channel"})[0] == 200
    assert standin.messages("C1")[-1]["text"] == "shout"
    late = standin.new_response_url("C1", "U1")
    clock.advance(30 * 60 + 1)
    assert post_json(late, {"text": "late"}) == (404, "expired_url")
    assert post_json(standin.api_url.replace("/api/", "/response/nope"), {"text": "x"})[0] == 404
