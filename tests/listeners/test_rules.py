"""The rules a real team tripped over, through Bolt in-process: who decided a resolution,
the deadline nudge, the retrospective's promise, rotation and schedule announcements."""

from __future__ import annotations

import json
from datetime import timedelta

from app import ids
from app.jobs.reviews import send_outcome_reviews
from app.vocabulary import Status
from tests.e2e.conftest import ALICE, BOB, CAROL, GENERAL
from tests.listeners.helpers import decisions_in, declare, v


def test_a_resolution_on_a_decision_with_no_decider_asks_who_decided(
    slack, standin, clock, errors_logged
):
    slack.command(ALICE, GENERAL, "Pick the cache")  # no decider named: the form opens
    assert slack.submit(ALICE, standin.latest_view(ALICE), {ids.TITLE: v("Pick the cache")})
    card = slack.latest_message(GENERAL)
    assert decisions_in(slack)[0].decider_id is None
    slack.click(ALICE, ids.RECORD_RESOLUTION, message=card)
    form = standin.latest_view(ALICE)
    who = next(b for b in form["blocks"] if b.get("block_id") == ids.DECIDER)
    assert who["element"]["initial_user"] == ALICE  # the person recording, by default
    refused = slack.submit(ALICE, form, {ids.RESOLUTION: v("Redis"), ids.DECIDER: v("U0HELPER")})
    assert refused.json["response_action"] == "errors" and ids.DECIDER in refused.json["errors"]
    assert decisions_in(slack)[0].status is Status.OPEN
    reply = slack.submit(ALICE, form, {ids.RESOLUTION: v("Redis"), ids.DECIDER: v(CAROL)})
    assert (reply.status, reply.body) == (200, "")
    [decision] = decisions_in(slack)
    assert (decision.status, decision.decider_id, decision.deferred_by) == (
        Status.DECIDED,
        CAROL,
        ALICE,
    )
    shown = json.dumps(standin.messages(GENERAL)[0]["blocks"])
    assert "no decider yet" not in shown and f"<@{CAROL}>" in shown
    clock.advance(timedelta(days=15))
    assert send_outcome_reviews() == 1
    [review] = standin.messages(CAROL)
    assert "Outcome review" in json.dumps(review["blocks"])


def _said(standin, user) -> str:
    return json.dumps(standin.responses(user)[-1]["payload"], ensure_ascii=False)


def test_a_schedule_change_is_told_in_the_channel_and_refused_to_others(
    slack, standin, errors_logged
):
    assert slack.command(ALICE, GENERAL, "retro every 1w fri 16:00 UTC").status == 200
    assert slack.latest_message(GENERAL)["text"].startswith(f"<@{ALICE}> set the retrospective")
    slack.command(CAROL, GENERAL, "retro off")  # refused after the ack: told privately
    assert f"Only <@{ALICE}> (who set it) or a workspace admin" in _said(standin, CAROL)
    assert slack.command(ALICE, GENERAL, "retro every 2w fri 15:00 UTC").status == 200
    changed = slack.latest_message(GENERAL)["text"]
    assert changed.startswith(f"<@{ALICE}> changed the retrospective here.") and "15:00" in changed
    assert "I told the channel" in _said(standin, ALICE)


def test_rotation_skip_with_one_rotation_needs_no_name_and_is_told_at_once(
    slack, standin, errors_logged
):
    standin.add_user("U0BOSS", "boss", is_admin=True)
    assert slack.command("U0BOSS", GENERAL, f"rotation oncall <@{ALICE}|a> <@{CAROL}|c> every 1w")
    assert slack.command("U0BOSS", GENERAL, "rotation skip").status == 200
    assert f"<@{CAROL}> leads `oncall` now; I told the channel." in _said(standin, "U0BOSS")
    post = slack.latest_message(GENERAL)
    assert post["text"] == f"Rotation oncall: <@{ALICE}> hands over to <@{CAROL}>."
    assert "skipped <@U0ALICE>'s turn" in json.dumps(post["blocks"])


def test_an_object_click_asks_why_before_anything_changes(slack, standin, errors_logged):
    card = declare(slack)
    slack.click(ALICE, ids.CONSENSUS_CHECK, message=card)
    check = slack.latest_message(GENERAL)
    slack.click(CAROL, ids.CONSENSUS_OBJECT, message=check)
    form = standin.latest_view(CAROL)
    assert form["callback_id"] == ids.CONSENSUS_OBJECT_VIEW
    assert decisions_in(slack)[0].decider_id == BOB  # a click alone objects to nothing
    assert slack.submit(CAROL, form, {ids.REASON: v("He is on leave")}).status == 200
    decision = decisions_in(slack)[0]
    assert (decision.decider_id, decision.objected_by, decision.objection) == (
        None,
        CAROL,
        "He is on leave",
    )
