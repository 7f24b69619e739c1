"""The stand-in refuses what Slack refuses by default: scopes, membership, DMs, triggers."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from app.standin import SlackStandIn
from app.standin.scopes import METHOD_SCOPES, manifest_bot_scopes


def refusal(call) -> dict:
    with pytest.raises(SlackApiError) as caught:
        call()
    return dict(caught.value.response.data)


def test_installed_scopes_default_to_the_manifests(standin: SlackStandIn) -> None:
    assert standin.scopes == manifest_bot_scopes()


def test_missing_scope_names_needed_and_provided(clock) -> None:
    with SlackStandIn(clock=clock, scopes=("commands", "chat:write")) as narrow:
        client = WebClient(base_url=narrow.api_url, token=narrow.bot_token, retry_handlers=[])
        narrow.add_user("U1", "alice")
        body = refusal(lambda: client.users_info(user="U1"))
        assert body == {
            "ok": False,
            "error": "missing_scope",
            "needed": "users:read",
            "provided": "commands,chat:write",
        }
        body = refusal(lambda: client.files_upload_v2(content=b"png", filename="a.png"))
        assert body["needed"] == "files:write"


def test_conversations_info_needs_the_scope_of_the_conversations_kind(clock) -> None:
    with SlackStandIn(clock=clock, scopes=("channels:read",)) as narrow:
        client = WebClient(base_url=narrow.api_url, token=narrow.bot_token, retry_handlers=[])
        narrow.add_channel("C1", "general")
        narrow.add_channel("G1", "secret", private=True)
        assert client.conversations_info(channel="C1")["ok"]
        assert refusal(lambda: client.conversations_info(channel="G1"))["needed"] == "groups:read"


def test_every_entry_cites_slacks_reference_page() -> None:
    for method, need in METHOD_SCOPES.items():
        assert need.source == f"https://api.slack.com/methods/{method}"


def test_the_bot_posts_only_where_it_is_a_member(standin: SlackStandIn, client) -> None:
    standin.add_user("U2", "bob")
    standin.add_channel("COUT", "elsewhere", is_member=False)
    standin.add_channel("GOUT", "secret", is_member=False, private=True)
    standin.add_conversation("DPEOPLE", "im", members=["U1", "U2"])
    standin.add_conversation("GMPIM", "mpim", members=["U1", "U2", "U3"])
    post = lambda channel: refusal(lambda: client.chat_postMessage(channel=channel, text="x"))  # noqa: E731
    assert post("COUT")["error"] == "not_in_channel"
    for hidden in ("GOUT", "DPEOPLE", "GMPIM", "C404", "U404"):
        assert post(hidden)["error"] == "channel_not_found", hidden
    assert refusal(lambda: client.conversations_info(channel="GOUT"))["error"] == (
        "channel_not_found"
    )
    assert client.conversations_info(channel="COUT")["channel"]["is_member"] is False
    standin.join("COUT")  # /invite @Deference
    assert client.chat_postMessage(channel="COUT", text="now I may")["ok"]


def test_posting_to_a_user_lands_in_the_bots_dm(standin: SlackStandIn, client) -> None:
    posted = client.chat_postMessage(channel="U1", text="hello")
    assert posted["channel"] == standin.dm_id("U1") and posted["channel"].startswith("D")
    assert [m["text"] for m in standin.messages(posted["channel"])] == ["hello"]
    assert standin.messages("U1") == standin.messages(posted["channel"])
    assert client.chat_update(channel=posted["channel"], ts=posted["ts"], text="hi")["ok"]


def test_ephemeral_needs_the_user_in_the_channel(standin: SlackStandIn, client) -> None:
    standin.add_user("U2", "bob")
    standin.add_channel("CTEAM", "team", members=["U1"])
    assert client.chat_postEphemeral(channel="CTEAM", user="U1", text="psst")["ok"]
    body = refusal(lambda: client.chat_postEphemeral(channel="CTEAM", user="U2", text="psst"))
    assert body["error"] == "user_not_in_channel"
    standin.join("CTEAM", "U2")
    assert client.chat_postEphemeral(channel="CTEAM", user="U2", text="psst")["ok"]


def test_leniency_is_an_explicit_opt_in(clock) -> None:
    with SlackStandIn(clock=clock, strict_membership=False) as lenient:
        client = WebClient(base_url=lenient.api_url, token=lenient.bot_token, retry_handlers=[])
        assert client.chat_postMessage(channel="CANYWHERE", text="x")["ok"]
        lenient.add_channel("COUT", "elsewhere", is_member=False)
        assert refusal(lambda: client.chat_postMessage(channel="COUT", text="x"))["error"] == (
            "not_in_channel"
        )


def test_sharing_a_file_follows_the_posting_rules(standin: SlackStandIn, client) -> None:
    standin.add_channel("COUT", "elsewhere", is_member=False)
    body = refusal(lambda: client.files_upload_v2(channel="COUT", content=b"png", filename="a"))
    assert body["error"] == "not_in_channel"
    assert standin.uploaded_files() == []
    assert client.files_upload_v2(channel="C1", content=b"png", filename="a.png")["ok"]
    assert [f["channel"] for f in standin.uploaded_files()] == ["C1"]
