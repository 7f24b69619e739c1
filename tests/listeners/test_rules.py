"""The rules a real team tripped over, through Bolt in-process: who decided a resolution,
the deadline nudge, the retrospective's promise, rotation and schedule announcements."""

from __future__ import annotations

import json
from datetime import timedelta

from app import ids
from app.jobs.reviews import send_outcome_reviews
from app.vocabulary import Status
from tests.e2e.conftest import ALICE, CAROL, GENERAL
from tests.listeners.helpers import decisions_in, v


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
