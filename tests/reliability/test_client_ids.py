"""Nothing trusted from the client, for every button and modal that carries an id: a click or
submission whose id points at another team's object, or at nothing, changes no row and no
message, and gets a plain answer or a 4xx."""

from __future__ import annotations

import json

import pytest

from app import ids
from app.standin.payloads import block_actions, view_submission
from tests.e2e.conftest import ALICE, BOB, CAROL, SIGNING_SECRET
from tests.reliability.figures import Figure
from tests.reliability.surfaces import ADMIN, OtherWorkspace, World, rows

FIGURE = Figure("Ids in button values and private_metadata re-checked (every button and modal)")
MISSING = "999999"
# action_id, the message it is on, who clicks, where the id travels (value or block_id)
BUTTONS = [
    (ids.RECORD_RESOLUTION, "card", BOB, "value"),
    (ids.RUN_POLL, "card", ALICE, "value"),
    (ids.ESCALATE, "card", BOB, "value"),
    (ids.CONSENSUS_CHECK, "card", ALICE, "value"),
    (ids.CONSENSUS_AGREE, "consensus", CAROL, "value"),
    (ids.CONSENSUS_OBJECT, "consensus", CAROL, "value"),
    (ids.CONSENSUS_WITHDRAW, "objection", CAROL, "value"),
    (f"{ids.POLL_RATE}3", "poll", CAROL, "value"),
    (ids.POLL_NOMINATE, "poll", CAROL, "block"),
    (ids.POLL_CLOSE, "poll", ALICE, "value"),
    (ids.POLL_ADOPT, "closed_poll", ALICE, "value"),
    (ids.CHECKIN_CLAIM, "checkin", CAROL, "value"),
    (ids.CHECKIN_ASSIGN, "checkin", CAROL, "block"),
    (f"{ids.OUTCOME_PICK}worked", "review", BOB, "value"),
    (ids.RETRO_ANSWER, "retro", CAROL, "value"),
    (ids.APPLY_TIEBREAKER, "nudge", ALICE, "value"),
    (ids.HAND_ON, "decider_nudge", BOB, "value"),
]
# callback_id, (message, button, who) that opens it, values submitted, the metadata key
MODALS = [
    (ids.RESOLVE_VIEW, ("card", ids.RECORD_RESOLUTION, BOB), {ids.RESOLUTION: "x"}, "decision_id"),
    (ids.ESCALATE_VIEW, ("card", ids.ESCALATE, BOB), {ids.REASON: "why"}, "decision_id"),
    (ids.POLL_VIEW, ("card", ids.RUN_POLL, ALICE), {}, "decision_id"),
    (
        ids.CONSENSUS_OBJECT_VIEW,
        ("consensus", ids.CONSENSUS_OBJECT, CAROL),
        {ids.REASON: "why"},
        "check_id",
    ),
    (
        ids.OUTCOME_VIEW,
        ("review", f"{ids.OUTCOME_PICK}worked", BOB),
        {ids.OUTCOME_NOTE: "ok"},
        "decision_id",
    ),
    (ids.RETRO_VIEW, ("retro", ids.RETRO_ANSWER, CAROL), {"overlooked": "x"}, "post_id"),
    (ids.CHARTER_VIEW, ("charter", ids.CHARTER_EDIT, ADMIN), {}, "version"),
    (ids.VALUES_VIEW, ("charter", ids.VALUES_EDIT, ADMIN), {}, "version"),
]
TAMPERINGS = ["another team", "no such id"]


@pytest.fixture(scope="module", autouse=True)
def _record_figures():
    yield
    FIGURE.write()


@pytest.fixture
def world(bot, slack, standin, clock) -> World:
    return World(bot, slack, standin, clock)


@pytest.fixture
def other(standin, bot) -> OtherWorkspace:
    return OtherWorkspace(standin, bot_url=bot.url, signing_secret=SIGNING_SECRET)


def effects(standin, user: str) -> dict[str, int]:
    """What the bot did in Slack that others see, and what it told `user` privately."""
    ok = [c for c in standin.calls() if c.ok]
    public = [
        c
        for c in ok
        if c.method in ("views.open", "views.update", "chat.update", "views.publish")
        or (c.method == "chat.postMessage" and c.params.get("channel") != user)
    ]
    told = len(standin.responses(user)) + len(standin.ephemerals(user))
    return {"public": len(public), "told": told + len(standin.messages(user))}


def check_refused(world: World, user: str, before_rows, before, reply, tampering: str) -> None:
    world.bot.settle()
    FIGURE.tried += 1
    assert reply.status in (200, 400), reply.body
    after = effects(world.standin, user)
    assert rows(world.bot) == before_rows, "a tampered id changed the database"
    assert after["public"] == before["public"], "a tampered id made the bot act in Slack"
    inline = bool(reply.json and reply.json.get("response_action") == "errors")
    told = after["told"] > before["told"]
    assert reply.status == 400 or inline or told, "refused silently"
    FIGURE.count(f"{tampering}: " + ("HTTP 400" if reply.status == 400 else "told plainly"))


@pytest.mark.parametrize("tampering", TAMPERINGS)
@pytest.mark.parametrize(("action_id", "where", "user", "carrier"), BUTTONS)
def test_a_button_pointing_elsewhere_changes_nothing(
    world, other, action_id, where, user, carrier, tampering, errors_logged
):
    message = getattr(world, where)()
    payload = block_actions(
        world.standin,
        user=user,
        action_id=action_id,
        api_app_id="A0001",
        message=message,
        selected_user=BOB if carrier == "block" else None,
    )
    action = payload["actions"][0]
    if tampering == "no such id":
        if carrier == "value":
            action["value"] = MISSING
        else:
            action["block_id"] = action["block_id"].rsplit(".", 1)[0] + "." + MISSING
    before_rows, before = rows(world.bot), effects(world.standin, user)
    sender = other if tampering == "another team" else world.slack
    reply = sender.interaction(payload)
    check_refused(world, user, before_rows, before, reply, tampering)


@pytest.mark.parametrize("tampering", TAMPERINGS)
@pytest.mark.parametrize(("callback_id", "opener", "values", "key"), MODALS)
def test_a_modal_pointing_elsewhere_changes_nothing(
    world, other, callback_id, opener, values, key, tampering, errors_logged
):
    where, button, user = opener
    view = world.form(user, button, getattr(world, where)())
    assert view["callback_id"] == callback_id
    if tampering == "another team" and key == "version":
        pytest.skip("the charter is edited in the submitting team itself; no foreign id travels")
    payload = view_submission(
        world.standin,
        user=user,
        view=view,
        values={block: {ids.VALUE: text} for block, text in values.items()},
        api_app_id="A0001",
    )
    if tampering == "no such id":
        metadata = json.loads(payload["view"]["private_metadata"])
        metadata[key] = int(MISSING)
        payload["view"]["private_metadata"] = json.dumps(metadata)
    before_rows, before = rows(world.bot), effects(world.standin, user)
    sender = other if tampering == "another team" else world.slack
    reply = sender.interaction(payload)
    check_refused(world, user, before_rows, before, reply, tampering)


@pytest.mark.parametrize("tampering", TAMPERINGS)
def test_a_report_about_a_decision_elsewhere_is_not_stored(world, other, tampering, errors_logged):
    world.steward()
    world.card()
    world.run("feedback", user=CAROL)
    view = world.standin.latest_view(CAROL)
    payload = view_submission(
        world.standin,
        user=CAROL,
        view=view,
        values={ids.FEEDBACK_KIND: {ids.VALUE: "pressure"}, ids.FEEDBACK_TEXT: {ids.VALUE: "x"}},
        api_app_id="A0001",
    )
    about = MISSING if tampering == "no such id" else "1"
    payload["view"]["state"]["values"][ids.FEEDBACK_DECISION] = {
        ids.VALUE: {"type": "static_select", "selected_option": {"value": about}}
    }
    if tampering == "another team":  # the other team has a steward of its own
        other.command(ADMIN, "C0OTHER", f"steward <@{BOB}|b>")
        world.bot.settle()
    before_rows, before = rows(world.bot), effects(world.standin, CAROL)
    sender = other if tampering == "another team" else world.slack
    reply = sender.interaction(payload)
    check_refused(world, CAROL, before_rows, before, reply, tampering)
