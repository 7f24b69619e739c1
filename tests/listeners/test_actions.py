"""The block actions surface, dispatched in-process: buttons on the decision card."""

from __future__ import annotations

from app import ids
from app.vocabulary import Status
from tests.e2e.conftest import BOB, CAROL
from tests.listeners.helpers import decisions_in, declare


def test_the_decider_clicking_record_resolution_gets_the_form(slack, standin, errors_logged):
    card = declare(slack)
    assert slack.click(BOB, ids.RECORD_RESOLUTION, message=card).status == 200
    [opened] = standin.calls("views.open")
    assert opened.ok
    assert standin.latest_view(BOB)["callback_id"] == ids.RESOLVE_VIEW
    assert decisions_in(slack)[0].status is Status.OPEN  # a form, not yet a decision


def test_someone_else_is_refused_privately_and_nothing_changes(slack, standin, errors_logged):
    card = declare(slack)
    slack.click(CAROL, ids.RECORD_RESOLUTION, message=card)
    assert standin.calls("views.open") == []
    [refusal] = standin.responses(CAROL)
    assert refusal["payload"]["response_type"] == "ephemeral"
    assert "Only the decider or the person who opened" in refusal["payload"]["text"]
    assert decisions_in(slack)[0].status is Status.OPEN
