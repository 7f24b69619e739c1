"""Similar decisions shown before declaring, dispatched in-process: the command's private
notice and its sealed buttons, and the form's head with its choice."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from app import ids
from app.domain import decisions
from app.standin.payloads import block_actions
from app.vocabulary import Status
from tests.e2e.conftest import ALICE, BOB, CAROL, GENERAL
from tests.listeners.helpers import decisions_in, declare, v

SIMILAR = "Which database should billing use? <@U0CAROL|carol>"


def decided_billing_database(slack, clock):
    declare(slack, "Pick the billing database <@U0BOB|bob>")
    with slack.sessions.begin() as session:
        [decision] = decisions_in(slack)
        decisions.record_resolution(
            session,
            team_id=decision.team_id,
            decision_id=decision.id,
            actor_id=BOB,
            resolution="PostgreSQL",
            rationale=None,
            now=clock.now(),
            idempotency_key="resolved",
        )
    return decision


def notice(slack, user=ALICE, text=SIMILAR):
    reply = slack.command(user, GENERAL, text)
    assert reply.status == 200
    return reply.json


def click(slack, standin, user, blocks, action_id, value=None):
    message = {"channel": GENERAL, "ts": "1700000000.000900", "blocks": blocks}
    payload = block_actions(
        standin,
        user=user,
        action_id=action_id,
        api_app_id=slack.api_app_id,
        message=message,
        value=value,
    )
    payload["container"]["is_ephemeral"] = True
    return slack.interaction(payload)


def test_a_similar_title_is_shown_privately_and_nothing_is_declared(
    slack, standin, clock, errors_logged
):
    earlier = decided_billing_database(slack, clock)
    shown = notice(slack)
    assert shown["response_type"] == "ephemeral"
    text = json.dumps(shown["blocks"])
    assert f"This looks like #{earlier.id}" in text and "Pick the billing database" in text
    assert "decided by <@U0BOB>" in text and "<!date^" in text
    assert f"Open #{earlier.id}" in text and earlier.permalink in text
    assert "Supersede it" in text and "Declare anyway" in text
    assert len(decisions_in(slack)) == 1
    assert len(standin.calls("chat.postMessage")) == 1  # only the first card


def test_declare_anyway_declares_exactly_what_was_typed_once(slack, standin, clock, errors_logged):
    decided_billing_database(slack, clock)
    blocks = notice(slack)["blocks"]
    assert click(slack, standin, ALICE, blocks, ids.SIMILAR_DECLARE_ANYWAY).status == 200
    assert click(slack, standin, ALICE, blocks, ids.SIMILAR_DECLARE_ANYWAY).status == 200
    _, new = decisions_in(slack)
    assert (new.title, new.decider_id, new.created_by, new.channel_id, new.status) == (
        "Which database should billing use?",
        CAROL,
        ALICE,
        GENERAL,
        Status.OPEN,
    )
    assert len(decisions_in(slack)) == 2
    assert new.card_ts is not None and len(standin.calls("chat.postMessage")) == 2


def test_an_unrelated_title_is_declared_at_once(slack, standin, clock, errors_logged):
    decided_billing_database(slack, clock)
    reply = slack.command(ALICE, GENERAL, "Plan the team lunch <@U0CAROL|carol>")
    assert reply.status == 200 and reply.body == ""
    assert [d.title for d in decisions_in(slack)][-1] == "Plan the team lunch"


@pytest.mark.parametrize(
    "forgery",
    ["another person", "altered title", "another button", "not sealed", "expired"],
)
def test_a_forged_declare_anyway_declares_nothing(slack, standin, clock, forgery, caplog):
    decided_billing_database(slack, clock)
    blocks = notice(slack)["blocks"]
    user, action_id = ALICE, ids.SIMILAR_DECLARE_ANYWAY
    value = next(
        e["value"]
        for b in blocks
        for e in b.get("elements", [])
        if e.get("action_id") == ids.SIMILAR_DECLARE_ANYWAY
    )
    if forgery == "another person":
        user = BOB
    elif forgery == "altered title":
        value = value.replace("Which database", "Which vendor")
    elif forgery == "another button":
        supersede = next(
            e for b in blocks for e in b.get("elements", []) if "supersede" in e["action_id"]
        )
        action_id, value = supersede["action_id"], value
    elif forgery == "not sealed":
        value = json.dumps({"title": "Mine now", "origin": "command:x"})
    else:
        clock.advance(timedelta(days=2))
    reply = click(slack, standin, user, blocks, action_id, value)
    assert reply.status == 400
    assert len(decisions_in(slack)) == 1
    assert len(standin.calls("chat.postMessage")) == 1


def test_the_form_shows_similar_decisions_at_its_head_then_declares_as_chosen(
    slack, standin, clock, errors_logged
):
    earlier = decided_billing_database(slack, clock)
    slack.command(ALICE, GENERAL, "")
    form = standin.latest_view(ALICE)
    values = {ids.TITLE: v("Billing: which database?"), ids.DECIDER: v(CAROL)}
    reply = slack.submit(ALICE, form, values)
    assert reply.json["response_action"] == "update"
    updated = standin.current_view(ALICE)  # the same form, in place, headed by the choice
    assert updated["id"] == form["id"] and updated["blocks"] == reply.json["view"]["blocks"]
    text = json.dumps(updated["blocks"])
    assert f"This looks like #{earlier.id}" in text and "Declare anyway" in text
    choice = next(b for b in updated["blocks"] if b.get("block_id") == ids.SIMILAR_CHOICE)
    options = [o["value"] for o in choice["element"]["options"]]
    assert options == [ids.SIMILAR_AS_NEW, f"{ids.SIMILAR_SUPERSEDES}{earlier.id}"]
    assert [b.get("block_id") for b in updated["blocks"]][-len(form["blocks"]) :] == [
        b.get("block_id") for b in form["blocks"]
    ]  # the same inputs, so what was typed stays typed
    assert len(decisions_in(slack)) == 1
    chosen = {**values, ids.SIMILAR_CHOICE: v(ids.SIMILAR_AS_NEW)}
    assert slack.submit(ALICE, updated, chosen).status == 200
    assert standin.current_view(ALICE) is None  # declared: the modal closed
    _, new = decisions_in(slack)
    assert (new.title, new.decider_id) == ("Billing: which database?", CAROL)


def test_a_forged_choice_in_the_form_is_refused(slack, standin, clock, caplog):
    decided_billing_database(slack, clock)
    slack.command(ALICE, GENERAL, "")
    form = standin.latest_view(ALICE)
    values = {ids.TITLE: v("Billing: which database?")}
    slack.submit(ALICE, form, values)
    updated = standin.current_view(ALICE)
    choice = next(b for b in updated["blocks"] if b.get("block_id") == ids.SIMILAR_CHOICE)
    choice["element"]["options"].append({"text": {"type": "plain_text", "text": "x"}, "value": "x"})
    forged = {**values, ids.SIMILAR_CHOICE: v("x")}
    assert slack.submit(ALICE, updated, forged).status == 400
    assert len(decisions_in(slack)) == 1


def test_supersede_it_declares_the_new_decision_in_place_of_the_old(
    slack, standin, clock, errors_logged
):
    earlier = decided_billing_database(slack, clock)
    blocks = notice(slack)["blocks"]
    action = f"{ids.SIMILAR_SUPERSEDE}.{earlier.id}"
    assert click(slack, standin, ALICE, blocks, action).status == 200
    old, new = decisions_in(slack)
    assert old.status == Status.SUPERSEDED and new.title == "Which database should billing use?"
    assert (old.superseded_by_id, new.supersedes_id) == (new.id, old.id)
    assert new.card_ts is not None and old.superseded_by_link == new.permalink


def test_supersede_from_the_form(slack, standin, clock, errors_logged):
    earlier = decided_billing_database(slack, clock)
    slack.command(ALICE, GENERAL, "")
    form = standin.latest_view(ALICE)
    values = {ids.TITLE: v("Billing: which database?")}
    slack.submit(ALICE, form, values)
    updated = standin.current_view(ALICE)
    chosen = {**values, ids.SIMILAR_CHOICE: v(f"{ids.SIMILAR_SUPERSEDES}{earlier.id}")}
    assert slack.submit(ALICE, updated, chosen).status == 200
    old, new = decisions_in(slack)
    assert (old.status, new.supersedes_id, new.title) == (
        Status.SUPERSEDED,
        old.id,
        "Billing: which database?",
    )


def test_someone_who_may_not_supersede_is_told_and_nothing_changes(slack, standin, clock):
    decided_billing_database(slack, clock)
    blocks = notice(slack, user=CAROL)["blocks"]
    supersede = next(
        e for b in blocks for e in b.get("elements", []) if "supersede" in e["action_id"]
    )
    assert click(slack, standin, CAROL, blocks, supersede["action_id"]).status == 200
    [only] = decisions_in(slack)
    assert only.status == Status.DECIDED


def test_decide_on_this_shows_similar_decisions_in_its_form_and_keeps_the_thread(
    slack, standin, clock, errors_logged
):
    earlier = decided_billing_database(slack, clock)
    message = {"type": "message", "user": CAROL, "ts": "1700000000.000100", "text": "x"}
    message["text"] = "Which database for billing?\nThe invoices table is slow."
    reply = slack.shortcut(ALICE, ids.DECIDE_ON_MESSAGE, message=message, channel=GENERAL)
    assert reply.status == 200
    form = standin.latest_view(ALICE)
    values = {ids.TITLE: v("Which database for billing?")}
    reply = slack.submit(ALICE, form, values)
    assert reply.json["response_action"] == "update"
    updated = standin.current_view(ALICE)  # the same form, in place, headed by the choice
    assert updated["id"] == form["id"] and updated["blocks"] == reply.json["view"]["blocks"]
    assert f"#{earlier.id}" in json.dumps(updated["blocks"])
    assert json.loads(updated["private_metadata"])["thread_ts"] == message["ts"]
    chosen = {**values, ids.SIMILAR_CHOICE: v(ids.SIMILAR_AS_NEW)}
    assert slack.submit(ALICE, updated, chosen).status == 200
    _, new = decisions_in(slack)
    assert (new.title, new.thread_ts) == ("Which database for billing?", message["ts"])


def test_open_is_a_link_whose_click_is_only_acknowledged(slack, standin, clock, errors_logged):
    earlier = decided_billing_database(slack, clock)
    blocks = notice(slack)["blocks"]
    reply = click(slack, standin, ALICE, blocks, f"{ids.SIMILAR_OPEN}.{earlier.id}")
    assert (reply.status, reply.body) == (200, "")
    assert len(decisions_in(slack)) == 1 and len(standin.calls("chat.postMessage")) == 1
