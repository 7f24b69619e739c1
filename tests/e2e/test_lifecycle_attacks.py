"""Only the decider, the opener or an admin may edit, hand on, cancel, reopen or supersede a
decision: attacked on the real `deference-bot serve` process.

Every attack is a request Slack's signature accepts: from the wrong person (a command, a click
on the card's menu, a form opened by someone else and submitted as them), from another
workspace of the same app, or naming a decision by a forged number (in the command, in the
menu option's value, in the form's private_metadata). Each asserts the database did not change
and no card was posted or redrawn; a control then shows the rightful person succeeds.
"""

from __future__ import annotations

import json

import pytest

from app import ids
from app.standin.payloads import block_actions, view_submission
from app.vocabulary import Status
from tests.e2e.conftest import ALICE, BOB, CAROL, GENERAL
from tests.reliability.test_forgery import Served

pytestmark = pytest.mark.slow


@pytest.fixture
def served(standin, database_url, tmp_path):
    world = Served(standin, database_url, tmp_path)
    yield world
    world.close()


def state(served: Served):
    """What an attack must not change: every decision row and event, every post and redraw."""
    served.quiet()
    calls = {m: len(served.standin.calls(m)) for m in ("chat.postMessage", "chat.update")}
    return served.rows(), calls


def unchanged(served: Served, reply, before, what: str) -> None:
    assert reply.status in (200, 400), (what, reply.status, reply.body)
    assert state(served) == before, f"{what}: something changed"


def submitted(served: Served, user: str, view: dict, values: dict) -> dict:
    return view_submission(
        served.standin,
        user=user,
        view=view,
        values={block: {ids.VALUE: value} for block, value in values.items()},
        api_app_id="A0001",
    )


def forged_number(payload: dict, number: int) -> dict:
    metadata = json.loads(payload["view"]["private_metadata"])
    metadata["decision_id"] = number
    payload["view"]["private_metadata"] = json.dumps(metadata)
    return payload


def menu_click(served: Served, user: str, card: dict, option: str) -> dict:
    """A click on the card's menu choosing `option`, whatever the menu really offers."""
    payload = block_actions(
        served.standin,
        user=user,
        action_id=ids.LIFECYCLE_MENU,
        api_app_id="A0001",
        message=card,
        selected_option={"text": {"type": "plain_text", "text": "x"}, "value": option},
    )
    return payload


def form_of(served: Served, user: str, card: dict, option: str) -> dict:
    return served.form(
        user, lambda: served.slack.interaction(menu_click(served, user, card, option))
    )


def test_cancel_is_refused_to_strangers_other_teams_and_forged_numbers(served):
    card = served.declare("Pick the queue", BOB)
    number = served.decision("Pick the queue").id
    before = state(served)
    reply = served.slack.command(CAROL, GENERAL, f"cancel {number} not mine but gone")
    unchanged(served, reply, before, "cancel by someone else")
    assert "who opened it" in reply.body
    reply = served.other.command(ALICE, GENERAL, f"cancel {number} from another workspace")
    unchanged(served, reply, before, "cancel from another team")
    assert "does not exist" in reply.body  # heard, and its own workspace has no such decision
    opened = len(served.standin.calls("views.open"))
    unchanged(
        served,
        served.slack.interaction(menu_click(served, CAROL, card, f"cancel:{number}")),
        before,
        "cancel menu by someone else",
    )
    assert len([c for c in served.standin.calls("views.open") if c.ok]) == opened
    view = form_of(served, ALICE, card, f"cancel:{number}")
    before = state(served)
    as_carol = submitted(served, CAROL, view, {ids.REASON: "Carol says so"})
    unchanged(served, served.slack.interaction(as_carol), before, "Alice's form as Carol")
    other = served.declare("Pick the region", BOB)
    other_number = served.decision("Pick the region").id
    before = state(served)
    payload = forged_number(submitted(served, ALICE, view, {ids.REASON: "x"}), other_number)
    reply = served.slack.interaction(payload)
    unchanged(served, reply, before, "cancel form with a forged number")
    assert reply.status == 400
    assert served.decision("Pick the region").status is Status.OPEN
    # The control: the opener's own form cancels.
    assert served.slack.submit(ALICE, view, {ids.REASON: {ids.VALUE: "Duplicate"}}).status == 200
    served.quiet()
    assert served.decision("Pick the queue").status is Status.CANCELLED
    assert other["ts"] != card["ts"]


def decided(served: Served, title: str) -> tuple[dict, int]:
    card = served.declare(title, BOB)
    view = served.form(BOB, lambda: served.slack.click(BOB, ids.RECORD_RESOLUTION, message=card))
    served.slack.submit(BOB, view, {ids.RESOLUTION: {ids.VALUE: "Kafka"}})
    served.quiet()
    return served.card(title), served.decision(title).id


def test_reopen_is_refused_to_strangers_other_teams_and_forged_numbers(served):
    card, number = decided(served, "Pick the broker")
    before = state(served)
    reply = served.slack.click(CAROL, ids.REOPEN, message=card)
    unchanged(served, reply, before, "reopen button by someone else")
    reply = served.slack.command(CAROL, GENERAL, f"reopen {number} I disagree")
    unchanged(served, reply, before, "reopen command by someone else")
    reply = served.other.command(BOB, GENERAL, f"reopen {number} from another workspace")
    unchanged(served, reply, before, "reopen from another team")
    reply = served.slack.command(BOB, GENERAL, f"reopen {number + 1000} no such decision")
    unchanged(served, reply, before, "reopen of a forged number")
    assert "does not exist" in reply.body
    view = served.form(BOB, lambda: served.slack.click(BOB, ids.REOPEN, message=card))
    as_carol = submitted(served, CAROL, view, {ids.REASON: "Carol reopens"})
    unchanged(served, served.slack.interaction(as_carol), before, "Bob's reopen form as Carol")
    assert served.decision("Pick the broker").status is Status.DECIDED
    served.slack.submit(BOB, view, {ids.REASON: {ids.VALUE: "Load tripled"}})
    served.quiet()
    assert served.decision("Pick the broker").status is Status.OPEN


def test_handoff_is_refused_to_strangers_the_opener_of_a_decided_one_and_other_teams(served):
    card = served.declare("Pick the cache", BOB)
    number = served.decision("Pick the cache").id
    before = state(served)
    for who, what in ((CAROL, "someone else"), (ALICE, "the opener while Bob decides")):
        reply = served.slack.command(who, GENERAL, f"handoff {number} <@{who}|x> mine now")
        unchanged(served, reply, before, f"handoff by {what}")
    reply = served.other.command(BOB, GENERAL, f"handoff {number} <@{CAROL}|c>")
    unchanged(served, reply, before, "handoff from another team")
    forged = menu_click(served, BOB, card, f"handoff:{number + 1000}")
    unchanged(served, served.slack.interaction(forged), before, "handoff menu, forged number")
    view = form_of(served, BOB, card, f"handoff:{number}")
    as_carol = submitted(served, CAROL, view, {ids.NEW_DECIDER: CAROL})
    unchanged(served, served.slack.interaction(as_carol), before, "Bob's handoff form as Carol")
    assert served.decision("Pick the cache").decider_id == BOB
    served.slack.command(BOB, GENERAL, f"handoff {number} <@{CAROL}|c> She runs the cache")
    served.quiet()
    handed = served.decision("Pick the cache")
    assert (handed.decider_id, handed.deferred_by) == (CAROL, BOB)
    told = [c for c in served.posts(CAROL) if "handed you" in str(c.params.get("text"))]
    assert len(told) == 1


def test_edit_is_refused_to_strangers_and_forged_numbers(served):
    card = served.declare("Pick the index", BOB)
    number = served.decision("Pick the index").id
    before = state(served)
    opened = len([c for c in served.standin.calls("views.open") if c.ok])
    reply = served.slack.command(CAROL, GENERAL, f"edit {number}")
    unchanged(served, reply, before, "edit command by someone else")
    reply = served.other.command(BOB, GENERAL, f"edit {number}")
    unchanged(served, reply, before, "edit from another team")
    assert len([c for c in served.standin.calls("views.open") if c.ok]) == opened
    view = form_of(served, BOB, card, f"edit:{number}")
    values = {ids.TITLE: "Carol's title", ids.ZONE: "local"}
    as_carol = submitted(served, CAROL, view, values)
    unchanged(served, served.slack.interaction(as_carol), before, "Bob's edit form as Carol")
    forged = forged_number(submitted(served, BOB, view, values), number + 1000)
    unchanged(served, served.slack.interaction(forged), before, "edit with a forged number")
    assert served.decision("Pick the index").title == "Pick the index"
    served.slack.submit(BOB, view, {b: {ids.VALUE: v} for b, v in values.items()})
    served.quiet()
    assert served.decision("Carol's title").id == number


def test_supersede_is_refused_to_strangers_and_other_teams(served):
    card, number = decided(served, "Pick the store")
    before = state(served)
    reply = served.slack.command(CAROL, GENERAL, f"supersede {number} Carol's store <@{CAROL}|c>")
    unchanged(served, reply, before, "supersede by someone else")
    reply = served.other.command(BOB, GENERAL, f"supersede {number} Another team's store")
    unchanged(served, reply, before, "supersede from another team")
    reply = served.slack.command(BOB, GENERAL, f"supersede {number + 1000} A forged number")
    unchanged(served, reply, before, "supersede of a forged number")
    assert "does not exist" in reply.body
    forged = served.slack.click(BOB, ids.SUPERSEDE, message=card, value=str(number + 1000))
    unchanged(served, forged, before, "supersede button, forged number")
    unchanged(
        served,
        served.slack.click(CAROL, ids.SUPERSEDE, message=card),
        before,
        "supersede button by someone else",
    )
    view = served.form(BOB, lambda: served.slack.click(BOB, ids.SUPERSEDE, message=card))
    as_carol = submitted(served, CAROL, view, {ids.TITLE: "Carol's store"})
    unchanged(served, served.slack.interaction(as_carol), before, "Bob's supersede form as Carol")
    assert served.decision("Pick the store").status is Status.DECIDED
    served.slack.submit(BOB, view, {ids.TITLE: {ids.VALUE: "Pick the store again"}})
    served.standin.wait_until(lambda: served.has_card("Supersedes"), what="the new card")
    served.quiet()
    old, new = served.decision("Pick the store"), served.decision("Pick the store again")
    assert (old.status, old.superseded_by_id, new.supersedes_id) == (
        Status.SUPERSEDED,
        new.id,
        old.id,
    )
