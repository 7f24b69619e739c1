"""Slack delivers twice: every command, click, submission and event, sent again byte for byte
(events with X-Slack-Retry-Num), changes state once and posts nothing more."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app import ids
from app.standin.payloads import block_actions, view_submission
from tests.e2e.conftest import ALICE, BOB, CAROL, GENERAL, command_body
from tests.reliability.figures import Figure
from tests.reliability.surfaces import World, rows

FIGURE = Figure("Every command, click, submission and event delivered twice")
FORM = "application/x-www-form-urlencoded"


@pytest.fixture(scope="module", autouse=True)
def _record_figures():
    yield
    FIGURE.write()


def command(text: str, user: str = ALICE):
    def prepare(world: World) -> Callable:
        body = command_body(world.standin, user, text)
        return lambda: world.slack.send_raw(body, FORM)

    return prepare


def click(where: str, action_id: str, user: str, **kw):
    def prepare(world: World) -> Callable:
        message = getattr(world, where)()
        payload = block_actions(
            world.standin, user=user, action_id=action_id, api_app_id="A0001", message=message, **kw
        )
        return lambda: world.slack.interaction(payload)

    return prepare


def submit(opener: Callable[[World], dict], user: str, values: dict):
    def prepare(world: World) -> Callable:
        view = opener(world)
        given = {block: {ids.VALUE: value} for block, value in values.items()}
        payload = view_submission(
            world.standin, user=user, view=view, values=given, api_app_id="A0001"
        )
        return lambda: world.slack.interaction(payload)

    return prepare


def declare_form(world: World) -> dict:
    world.run("")
    return world.standin.latest_view(ALICE)


def feedback_form(world: World) -> dict:
    world.steward()
    world.run("feedback", user=CAROL)
    return world.standin.latest_view(CAROL)


def home_opened(world: World) -> Callable:
    event = {"type": "app_home_opened", "user": ALICE, "channel": "D0ALICE", "tab": "home"}
    sent = []

    def deliver():
        retry = {"retry_num": len(sent), "retry_reason": "http_timeout"} if sent else {}
        sent.append(1)
        return world.slack.event(event, event_id="Ev0HOME", **retry)

    return deliver


def on_decision(text: str, user: str, decided: bool = False):
    """A command about the card's decision (`cancel {id} …`), its number known once it exists."""

    def prepare(world: World) -> Callable:
        card = world.card()
        if decided:
            view = world.form(BOB, ids.RECORD_RESOLUTION, card)
            given = {ids.RESOLUTION: {ids.VALUE: "Kafka"}}
            world.slack.submit(BOB, view, given)
            world.bot.settle()
        number = int(card["blocks"][-1]["elements"][0]["value"])
        body = command_body(world.standin, user, text.format(id=number))
        return lambda: world.slack.send_raw(body, FORM)

    return prepare


def menu_form(verb: str, user: str):
    """The form the card's More menu opens for `verb`."""

    def open_it(world: World) -> dict:
        card = world.card()
        number = int(card["blocks"][-1]["elements"][0]["value"])
        world.click(user, ids.LIFECYCLE_MENU, card, selected_option=f"{verb}:{number}")
        return world.standin.latest_view(user)

    return open_it


def step(callback_id: str, inputs: dict, decided: bool = False):
    """A Workflow Builder step run (function_executed), its event delivered as Slack would
    redeliver it: the same body, retry headers after the first."""

    def prepare(world: World) -> Callable:
        given = dict(inputs)
        if decided:
            card = world.card()
            view = world.form(BOB, ids.RECORD_RESOLUTION, card)
            world.slack.submit(BOB, view, {ids.RESOLUTION: {ids.VALUE: "Kafka"}})
            world.bot.settle()
            given["number"] = int(card["blocks"][-1]["elements"][0]["value"])
        run = world.slack.step(callback_id, given, send=False)
        return lambda: world.slack.redeliver(run, len(run.replies))

    return prepare


CASES = {
    "declare at once": command(f"Pick the queue <@{BOB}|bob>"),
    "declare in the form": submit(declare_form, ALICE, {ids.TITLE: "Pick the queue"}),
    "start a poll": command("poll Pick the cache"),
    "start a poll from the card": submit(
        lambda w: w.form(ALICE, ids.RUN_POLL, w.card()), ALICE, {}
    ),
    "set a check-in": command("checkin 10:00 daily UTC"),
    "record a resolution": submit(
        lambda w: w.form(BOB, ids.RECORD_RESOLUTION, w.card()), BOB, {ids.RESOLUTION: "Kafka"}
    ),
    "rate in a poll": click("poll", f"{ids.POLL_RATE}4", CAROL),
    "nominate in a poll": click("poll", ids.POLL_NOMINATE, CAROL, selected_user=BOB),
    "close a poll": click("poll", ids.POLL_CLOSE, ALICE),
    "adopt a poll's result": click("closed_poll", ids.POLL_ADOPT, ALICE),
    "claim at the check-in": click("checkin", ids.CHECKIN_CLAIM, CAROL),
    "hand out at the check-in": click("checkin", ids.CHECKIN_ASSIGN, CAROL, selected_user=BOB),
    "ask for a consensus check": click("card", ids.CONSENSUS_CHECK, ALICE),
    "agree": click("consensus", ids.CONSENSUS_AGREE, CAROL),
    "object": submit(
        lambda w: w.form(CAROL, ids.CONSENSUS_OBJECT, w.consensus()), CAROL, {ids.REASON: "Risky"}
    ),
    "withdraw an objection": click("objection", ids.CONSENSUS_WITHDRAW, CAROL),
    "escalate": submit(
        lambda w: w.form(BOB, ids.ESCALATE, w.card()), BOB, {ids.REASON: "Customer data"}
    ),
    "review an outcome": submit(
        lambda w: w.form(BOB, f"{ids.OUTCOME_PICK}worked", w.review()),
        BOB,
        {ids.OUTCOME_NOTE: "Fine"},
    ),
    "answer a retro": submit(
        lambda w: w.form(CAROL, ids.RETRO_ANSWER, w.retro()), CAROL, {"overlooked": "Yes"}
    ),
    "apply the tiebreaker": click("nudge", ids.APPLY_TIEBREAKER, ALICE),
    "report to the steward": submit(
        feedback_form, CAROL, {ids.FEEDBACK_KIND: "pressure", ids.FEEDBACK_TEXT: "Told to defer"}
    ),
    "open App Home (event retried)": lambda world: home_opened(world),
    "cancel by command": on_decision("cancel {id} Duplicate", ALICE),
    "hand on by command": on_decision(f"handoff {{id}} <@{CAROL}|c> Knows it", BOB),
    "reopen by command": on_decision("reopen {id} Load tripled", BOB, decided=True),
    "supersede by command": on_decision("supersede {id} Pick the queue again", BOB, decided=True),
    "cancel in the form": submit(menu_form("cancel", ALICE), ALICE, {ids.REASON: "Duplicate"}),
    "edit in the form": submit(
        menu_form("edit", BOB), BOB, {ids.TITLE: "Pick the bus", ids.ZONE: "local"}
    ),
    "hand on in the form": submit(menu_form("handoff", BOB), BOB, {ids.NEW_DECIDER: CAROL}),
    "find who decides (workflow step)": step(ids.FIND_WHO_DECIDES_STEP, {"domain": "design"}),
    "open a decision (workflow step)": step(
        ids.OPEN_DECISION_STEP, {"title": "Pick the queue", "channel": GENERAL, "opener": ALICE}
    ),
    "record an outcome (workflow step)": step(
        ids.RECORD_OUTCOME_STEP, {"outcome": "worked", "reviewer": BOB}, decided=True
    ),
}


def posts(standin) -> int:
    return len([c for c in standin.calls("chat.postMessage") if c.ok])


@pytest.mark.parametrize("case", list(CASES))
def test_delivered_twice_changes_state_once(bot, slack, standin, clock, case, errors_logged):
    world = World(bot, slack, standin, clock)
    deliver = CASES[case](world)
    before = rows(bot)
    first = deliver()
    bot.settle()
    assert first.status == 200, first.body
    once, posted = rows(bot), posts(standin)
    if case.startswith("open App Home"):
        assert standin.home(ALICE) is not None
    else:
        assert once != before, "the first delivery should have changed something"
    second = deliver()
    bot.settle()
    FIGURE.tried += 1
    assert second.status == 200, second.body
    assert rows(bot) == once, "the second delivery changed the database again"
    assert posts(standin) == posted, "the second delivery posted again"
    FIGURE.count("changed state once")
