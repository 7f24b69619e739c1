"""The person's modal view stack, and what the app's answer to a submission does to it.

Each test would fail if the stand-in went back to handing the ack to the test untouched: the
updated view must become what the person sees, a push must stack (3 at most), clear must close
the modal, errors must keep the view, and whatever Slack refuses must be refused.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from app.standin import AckRefused, Reply, SlackStandIn, Workspace
from app.standin.payloads import view_submission

Json = dict[str, Any]
TEXT = {"type": "plain_text_input", "action_id": "v"}


def plain(text: str) -> Json:
    return {"type": "plain_text", "text": text}


def form(title: str = "Declare", block_id: str = "title") -> Json:
    return {
        "type": "modal",
        "callback_id": "declare",
        "title": plain(title),
        "submit": plain("Save"),
        "blocks": [
            {"type": "section", "block_id": "intro", "text": plain("Say what to decide.")},
            {"type": "input", "block_id": block_id, "label": plain("Title"), "element": TEXT},
        ],
    }


def notice(title: str = "Sent") -> Json:
    return {"type": "modal", "title": plain(title), "blocks": [{"type": "divider"}]}


class App_(Workspace):
    """Slack's side of a conversation with an app whose next answer the test chooses."""

    def __init__(self, standin: SlackStandIn) -> None:
        super().__init__(standin, bot_url="http://127.0.0.1:9/never", signing_secret="s")
        self.answer: tuple[int, str] = (200, "")

    def answers(self, body: Json | str | None = None, status: int = 200) -> App_:
        self.answer = (status, json.dumps(body) if isinstance(body, dict) else body or "")
        return self

    def send_raw(self, body: bytes | str, content_type: str, *args: Any, **kw: Any) -> Reply:
        status, text = self.answer
        return Reply(status, text, 0.0, {})


@pytest.fixture
def app(standin: SlackStandIn) -> App_:
    return App_(standin)


def opened(standin: SlackStandIn, client: WebClient, view: Json | None = None) -> Json:
    trigger = standin.new_trigger_id("U1")
    return dict(client.views_open(trigger_id=trigger, view=view or form())["view"])


def pushed(standin: SlackStandIn, client: WebClient, view: Json) -> Json:
    return dict(client.views_push(trigger_id=standin.new_trigger_id("U1"), view=view)["view"])


def ids(standin: SlackStandIn) -> list[str]:
    return [v["id"] for v in standin.view_stack("U1")]


def test_an_empty_ack_closes_the_submitted_view(standin, client, app) -> None:
    view = opened(standin, client)
    assert standin.current_view("U1")["id"] == view["id"]
    app.answers(None).submit("U1", view, {"title": {"v": "Pick a database"}})
    assert standin.current_view("U1") is None and standin.view_stack("U1") == []


def test_update_makes_the_new_view_the_one_the_person_sees(standin, client, app) -> None:
    view = opened(standin, client)
    app.answers({"response_action": "update", "view": notice("Answers sent")})
    app.submit("U1", view, {"title": {"v": "Pick a database"}})
    current = standin.current_view("U1")
    assert current["title"]["text"] == "Answers sent"
    assert current["id"] == view["id"] and current["root_view_id"] == view["id"]
    assert current["hash"] != view["hash"]  # a views.update with the old hash now conflicts
    assert ids(standin) == [view["id"]]
    assert standin.latest_view("U1") == current
    with pytest.raises(SlackApiError) as stale:
        client.views_update(view_id=view["id"], hash=view["hash"], view=notice())
    assert stale.value.response["error"] == "hash_conflict"


def test_an_updated_form_is_submitted_again_under_the_same_id(standin, client, app) -> None:
    view = opened(standin, client)
    again = form("Similar ones exist", block_id="choice")
    app.answers({"response_action": "update", "view": again}).submit("U1", view)
    current = standin.current_view("U1")
    payload = view_submission(standin, user="U1", view=current, values={}, api_app_id="A0001")
    assert payload["view"]["id"] == view["id"] and "choice" in payload["view"]["state"]["values"]
    app.answers(None).submit("U1", current)
    assert standin.current_view("U1") is None


def test_push_stacks_a_view_and_closing_it_shows_the_one_below(standin, client, app) -> None:
    root = opened(standin, client)
    app.answers({"response_action": "push", "view": form("Step 2")}).submit("U1", root)
    top = standin.current_view("U1")
    assert top["title"]["text"] == "Step 2" and top["id"] != root["id"]
    assert (top["previous_view_id"], top["root_view_id"]) == (root["id"], root["id"])
    assert ids(standin) == [root["id"], top["id"]]
    app.answers(None).submit("U1", top)
    assert standin.current_view("U1")["id"] == root["id"]


def test_a_modal_holds_three_views_at_most(standin, client, app) -> None:
    root = opened(standin, client)
    second = pushed(standin, client, form("Two"))
    app.answers({"response_action": "push", "view": form("Three")}).submit("U1", second)
    third = standin.current_view("U1")
    assert len(ids(standin)) == 3
    with pytest.raises(AckRefused) as refused:
        app.answers({"response_action": "push", "view": form("Four")}).submit("U1", third)
    assert "push_limit_reached" in str(refused.value)
    assert ids(standin) == [root["id"], second["id"], third["id"]]
    with pytest.raises(SlackApiError) as limit:
        pushed(standin, client, form("Four"))
    assert limit.value.response["error"] == "push_limit_reached"


def test_clear_closes_every_view_of_the_modal(standin, client, app) -> None:
    opened(standin, client)
    top = pushed(standin, client, form("Two"))
    app.answers({"response_action": "clear"}).submit("U1", top)
    assert standin.current_view("U1") is None and standin.view_stack("U1") == []
    with pytest.raises(SlackApiError) as closed:
        client.views_update(view_id=top["id"], view=notice())
    assert closed.value.response["error"] == "not_found"


def test_errors_keep_the_view_and_show_under_its_inputs(standin, client, app) -> None:
    view = opened(standin, client)
    app.answers({"response_action": "errors", "errors": {"title": "Too short"}})
    app.submit("U1", view, {"title": {"v": "x"}})
    assert standin.current_view("U1") == view
    assert standin.errors_shown(view["id"]) == {"title": "Too short"}


@pytest.mark.parametrize(
    ("errors", "problem"),
    [
        ({"intro": "Pick one"}, "no input block"),  # a section: Slack shows a generic error
        ({"nowhere": "?"}, "no input block"),
        ({}, "needs `errors`"),
        ({"title": ""}, "must be a message"),
    ],
)
def test_errors_slack_cannot_show_are_refused(standin, client, app, errors, problem) -> None:
    view = opened(standin, client)
    with pytest.raises(AckRefused) as refused:
        app.answers({"response_action": "errors", "errors": errors}).submit("U1", view)
    assert problem in str(refused.value)
    assert standin.errors_shown(view["id"]) == {} and standin.current_view("U1") == view


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ({"response_action": "update", "view": notice("A title far over 24 chars")}, "24"),
        ({"response_action": "update", "view": {**form(), "submit": None}}, "submit"),
        ({"response_action": "update", "view": {"type": "home", "blocks": []}}, "modal"),
        ({"response_action": "update"}, "view must be an object"),
        ({"response_action": "push", "view": {**notice(), "blocks": [{"type": "nope"}]}}, "nope"),
        ({"response_action": "close"}, "none of update, push, clear, errors"),
        ({"text": "Thanks!"}, "no response_action"),
        ("thanks", "empty or a JSON response_action"),
    ],
)
def test_an_answer_slack_refuses_leaves_the_modal_as_it_was(
    standin, client, app, answer, problem
) -> None:
    view = opened(standin, client)
    with pytest.raises(AckRefused) as refused:
        app.answers(answer).submit("U1", view, {"title": {"v": "Pick"}})
    assert problem in str(refused.value)
    assert standin.current_view("U1") == view and ids(standin) == [view["id"]]


def test_a_failed_answer_leaves_the_modal_open(standin, client, app) -> None:
    view = opened(standin, client)
    app.answers({"response_action": "clear"}, status=500).submit("U1", view)
    assert standin.current_view("U1") == view


def test_a_repeated_submission_of_a_closed_view_changes_nothing(standin, client, app) -> None:
    view = opened(standin, client)
    app.answers(None).submit("U1", view)
    again = opened(standin, client, form("Another"))
    app.answers({"response_action": "clear"}).submit("U1", view)  # a double click, late
    assert standin.current_view("U1") == again


def test_response_action_is_read_only_from_a_submissions_ack(standin, client, app) -> None:
    standin.add_channel("C1", "general")
    app.answers({"response_action": "update", "view": notice()})
    with pytest.raises(AckRefused, match="only from a view_submission's ack"):
        app.command("U1", "C1", "help")
    with pytest.raises(AckRefused, match="block_actions"):
        app.interaction({"type": "block_actions", "user": {"id": "U1"}, "actions": []})


def test_push_and_update_need_an_open_modal(standin, client, app) -> None:
    with pytest.raises(SlackApiError) as nothing_open:
        pushed(standin, client, form("Two"))
    assert nothing_open.value.response["error"] == "not_found"
    view = opened(standin, client)
    app.answers(None).submit("U1", view)
    with pytest.raises(SlackApiError) as closed:
        client.views_update(view_id=view["id"], view=notice())
    assert closed.value.response["error"] == "not_found"


@pytest.mark.slow  # a real WebSocket client (README: such tests stay out of the fast loop)
def test_a_submission_over_socket_mode_is_answered_the_same_way(standin, client) -> None:
    bot = WebClient(base_url=standin.api_url, token=standin.bot_token)
    app = App(token=standin.bot_token, client=bot)

    @app.view("declare")
    def declare(ack: Any) -> None:
        ack(response_action="update", view=notice("Answers sent"))

    standin.start_socket_mode()
    sockets = WebClient(base_url=standin.api_url, token=standin.app_token)
    handler = SocketModeHandler(app, standin.app_token, web_client=sockets)
    handler.connect()
    try:
        standin.socket_wait_connected(timeout=10)
        view = opened(standin, client)
        payload = view_submission(standin, user="U1", view=view, values={}, api_app_id="A0001")
        standin.socket_wait_ack(standin.socket_send("interactive", payload), timeout=5)
        assert standin.current_view("U1")["title"]["text"] == "Answers sent"
    finally:
        handler.close()


def test_closing_the_modal_closes_every_view(standin, client) -> None:
    opened(standin, client)
    pushed(standin, client, form("Two"))
    assert [v["title"]["text"] for v in standin.close_modal("U1")] == ["Declare", "Two"]
    assert standin.current_view("U1") is None
    opened(standin, client, {**form(), "notify_on_close": True})
    with pytest.raises(NotImplementedError):
        standin.close_modal("U1")  # Slack would send view_closed, which is not modelled
