"""The view submission surface, dispatched in-process: the declare and resolve forms."""

from __future__ import annotations

import json

from sqlalchemy import select

from app import ids
from app.db.models import DecisionEvent
from app.vocabulary import Status
from tests.e2e.conftest import ALICE, BOB, GENERAL
from tests.listeners.helpers import decisions_in, declare, v


def test_submitting_the_resolution_decides_and_redraws_the_card(slack, standin, errors_logged):
    card = declare(slack)
    slack.click(BOB, ids.RECORD_RESOLUTION, message=card)
    modal = standin.latest_view(BOB)
    reply = slack.submit(
        BOB, modal, {ids.RESOLUTION: v("PostgreSQL 16"), ids.RATIONALE: v("We run it already")}
    )
    assert (reply.status, reply.body) == (200, "")
    [decision] = decisions_in(slack)
    assert decision.status is Status.DECIDED
    assert (decision.resolution, decision.rationale) == ("PostgreSQL 16", "We run it already")
    with slack.sessions() as session:
        kinds = list(session.scalars(select(DecisionEvent.kind).order_by(DecisionEvent.id)))
    assert kinds == ["opened", "decided"]
    [update] = standin.calls("chat.update")
    assert update.params["ts"] == card["ts"]
    assert "PostgreSQL 16" in json.dumps(standin.messages(GENERAL)[0]["blocks"])


def test_invalid_declare_form_comes_back_inline_and_keeps_nothing(
    slack, standin, clock, errors_logged
):
    slack.command(ALICE, GENERAL, "")
    view = standin.latest_view(ALICE)
    assert view["callback_id"] == ids.DECLARE_VIEW
    past = int(clock.now().timestamp()) - 60
    reply = slack.submit(ALICE, view, {ids.TITLE: v("  "), ids.DEADLINE: v(past)})
    assert reply.json["response_action"] == "errors"
    assert set(reply.json["errors"]) == {ids.TITLE, ids.DEADLINE}
    assert decisions_in(slack) == []
    assert standin.calls("chat.postMessage") == []


def test_the_same_declare_form_submitted_twice_declares_once(slack, standin, errors_logged):
    slack.command(ALICE, GENERAL, "Adopt trunk-based development")
    view = standin.latest_view(ALICE)
    values = {ids.TITLE: v("Adopt trunk-based development"), ids.DECIDER: v(BOB)}
    assert slack.submit(ALICE, view, values).status == 200
    assert slack.submit(ALICE, view, values).status == 200
    assert len(decisions_in(slack)) == 1
    assert len([m for m in standin.messages(GENERAL) if m.get("thread_ts") is None]) == 1
