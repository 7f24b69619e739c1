"""The stand-in's custom steps, message metadata and canvases refuse what Slack refuses."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from app import ids
from app.standin import SlackStandIn
from app.standin.scopes import METHOD_SCOPES


def refusal(call) -> dict:
    with pytest.raises(SlackApiError) as caught:
        call()
    return dict(caught.value.response.data)


def client_for(standin: SlackStandIn, token: str | None = None) -> WebClient:
    return WebClient(base_url=standin.api_url, token=token or standin.bot_token, retry_handlers=[])


FIND = ids.FIND_WHO_DECIDES_STEP


def test_a_run_completes_once_with_the_outputs_the_manifest_declares(standin):
    event = standin.start_function(FIND, {"domain": "design"})
    assert event["bot_access_token"].startswith("xwfp-")
    assert {p["name"] for p in event["function"]["output_parameters"]} == {
        "decider",
        "source",
        "zone",
        "note",
    }
    run = client_for(standin, event["bot_access_token"])
    execution = event["function_execution_id"]
    unknown = refusal(
        lambda: run.functions_completeSuccess(
            function_execution_id=execution, outputs={"source": "none", "zone": "local", "x": 1}
        )
    )
    assert unknown["error"] == "parameter_validation_failed"
    missing = refusal(
        lambda: run.functions_completeSuccess(
            function_execution_id=execution, outputs={"source": "none"}
        )
    )
    assert missing["error"] == "parameter_validation_failed"
    not_a_user = {"source": "none", "zone": "local", "note": "n", "decider": "bob"}
    assert (
        refusal(
            lambda: run.functions_completeSuccess(
                function_execution_id=execution, outputs=not_a_user
            )
        )["error"]
        == "parameter_validation_failed"
    )
    good = {"source": "none", "zone": "local", "note": "Nobody."}
    assert run.functions_completeSuccess(function_execution_id=execution, outputs=good)["ok"]
    again = refusal(
        lambda: client_for(standin).functions_completeError(
            function_execution_id=execution, error="late"
        )
    )
    assert again["error"] == "execution_not_in_running_state"
    assert refusal(run.auth_test)["error"] == "token_expired"  # the run's token died with it
    done = standin.execution(execution)
    assert (done["state"], done["outputs"]) == ("completed", good)
    assert (
        refusal(
            lambda: client_for(standin).functions_completeError(
                function_execution_id="FxNOPE", error="x"
            )
        )["error"]
        == "function_execution_not_found"
    )


def test_slack_never_sends_inputs_the_manifest_does_not_allow(standin):
    with pytest.raises(ValueError, match="missing required parameter 'domain'"):
        standin.start_function(FIND, {})
    with pytest.raises(ValueError, match="unknown parameter"):
        standin.start_function(FIND, {"domain": "x", "who": "U1"})
    with pytest.raises(ValueError, match="channel"):
        standin.start_function(FIND, {"domain": "x", "channel": "general"})
    with pytest.raises(ValueError, match="declares no function"):
        standin.start_function("nope", {})
    event = standin.start_function(
        ids.OPEN_DECISION_STEP, {"title": "T", "channel": "C0001", "opener": "U0001"}
    )
    assert event["inputs"]["opener"]["id"] == "U0001" and event["inputs"]["opener"]["secret"]


def test_metadata_is_checked_stored_replaced_and_read_back_only_on_request(standin):
    standin.add_channel("C1", "general")
    client = client_for(standin)
    bad = refusal(lambda: client.chat_postMessage(channel="C1", text="x", metadata={"a": 1}))
    assert bad["error"] == "invalid_metadata_format"
    first = {"event_type": "decision_opened", "event_payload": {"number": 1}}
    ts = client.chat_postMessage(channel="C1", text="x", metadata=first)["ts"]
    then = {"event_type": "decision_decided", "event_payload": {"number": 1}}
    client.chat_update(channel="C1", ts=ts, text="y", metadata=then)
    client.chat_update(channel="C1", ts=ts, text="z")  # without metadata: the message keeps it
    assert "metadata" not in client.conversations_history(channel="C1")["messages"][0]
    read = client.conversations_history(channel="C1", include_all_metadata=True)["messages"]
    assert read[0]["metadata"] == then


def test_canvas_methods_need_their_scopes(clock):
    assert METHOD_SCOPES["canvases.sections.lookup"].scope == "canvases:read"
    without = tuple(s for s in SlackStandIn(clock=clock).scopes if not s.startswith("canvases"))
    with SlackStandIn(clock=clock, scopes=without) as narrow:
        narrow.add_channel("C1", "general")
        body = refusal(
            lambda: client_for(narrow).conversations_canvases_create(
                channel_id="C1", document_content={"type": "markdown", "markdown": "# Hi"}
            )
        )
        assert (body["error"], body["needed"]) == ("missing_scope", "canvases:write")


def test_canvases_are_made_once_per_channel_found_by_section_and_edited_one_change_a_call(
    standin,
):
    standin.add_channel("C1", "general")
    client = client_for(standin)
    content = {"type": "markdown", "markdown": "intro\n## One\na\n## Two\nb"}
    canvas_id = client.conversations_canvases_create(channel_id="C1", document_content=content)[
        "canvas_id"
    ]
    again = refusal(
        lambda: client.conversations_canvases_create(channel_id="C1", document_content=content)
    )
    assert again["error"] == "channel_canvas_already_exists"
    info = client.conversations_info(channel="C1")["channel"]
    assert info["properties"]["canvas"]["file_id"] == canvas_id
    found = client.canvases_sections_lookup(
        canvas_id=canvas_id, criteria={"section_types": ["h2"], "contains_text": "Two"}
    )["sections"]
    assert len(found) == 1
    bad = refusal(
        lambda: client.canvases_sections_lookup(canvas_id=canvas_id, criteria={"section_types": []})
    )
    assert bad["error"] == "invalid_arguments"
    two_changes = [{"operation": "insert_at_end", "document_content": content}] * 2
    assert (
        refusal(lambda: client.canvases_edit(canvas_id=canvas_id, changes=two_changes))["error"]
        == "invalid_arguments"
    )
    replace = {
        "operation": "replace",
        "section_id": found[0]["id"],
        "document_content": {"type": "markdown", "markdown": "## Two\nc"},
    }
    client.canvases_edit(canvas_id=canvas_id, changes=[replace])
    assert standin.canvas(canvas_id)["markdown"] == "intro\n\n## One\na\n\n## Two\nc"
    gone = refusal(lambda: client.canvases_edit(canvas_id=canvas_id, changes=[replace]))
    assert gone["error"] == "canvas_editing_failed"  # that section was replaced
    assert (
        refusal(lambda: client.canvases_edit(canvas_id="FNOPE", changes=[replace]))["error"]
        == "canvas_not_found"
    )


def test_conversations_members_pages_through_the_people_in_a_channel(standin):
    for n in range(5):
        standin.add_user(f"U000{n}", f"p{n}")
    standin.add_channel("C0001", "small", private=True, members=["U0000", "U0001", "U0002"])
    client = client_for(standin)
    first = client.conversations_members(channel="C0001", limit=2)
    rest = client.conversations_members(
        channel="C0001", limit=2, cursor=first["response_metadata"]["next_cursor"]
    )
    assert first["members"] + rest["members"] == ["U0000", "U0001", "U0002", "UBOT"]
    assert rest["response_metadata"]["next_cursor"] == ""
    standin.add_channel("C0002", "hidden", private=True, is_member=False, members=["U0000"])
    assert refusal(lambda: client.conversations_members(channel="C0002"))["error"] == (
        "channel_not_found"
    )
