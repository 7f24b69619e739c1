"""A Home left open stays true: after a change to someone's own lists commits, the served bot
publishes again the Home of exactly the people whose lists changed, and a refused publish
never undoes or fails the change."""

from __future__ import annotations

from app import ids
from app.db.models import Decision
from app.vocabulary import Status
from tests.e2e.conftest import ALICE, BOB, CAROL, GENERAL


def declared(bot, slack) -> Decision:
    assert slack.command(ALICE, GENERAL, f"Pick the CI provider <@{BOB}|bob>").status == 200
    bot.settle()
    return current(bot)


def current(bot) -> Decision:
    with bot.sessions() as session:
        [decision] = session.query(Decision).all()
        return decision


def open_home(bot, slack, user: str) -> None:
    slack.event({"type": "app_home_opened", "user": user, "channel": f"D{user}", "tab": "home"})
    bot.settle()


def held(standin, user: str) -> list[int]:
    """The decisions under "Decisions you hold" on `user`'s published Home."""
    home = standin.home(user) or {"blocks": []}
    buttons = [b.get("accessory") or {} for b in home["blocks"]]
    return [int(b["value"]) for b in buttons if b.get("action_id") == ids.RECORD_RESOLUTION]


def published_since(standin, before: int) -> list[str]:
    return [c.params["user_id"] for c in standin.calls("views.publish")[before:] if c.ok]


def test_a_handoff_moves_the_decision_between_both_open_homes_and_nobody_elses(
    bot, slack, standin, errors_logged
):
    decision = declared(bot, slack)
    open_home(bot, slack, BOB)
    open_home(bot, slack, ALICE)  # the opener, whose own lists a handoff does not touch
    assert held(standin, BOB) == [decision.id] and held(standin, ALICE) == []
    before = len(standin.calls("views.publish"))

    reply = slack.command(BOB, GENERAL, f"handoff {decision.id} <@{CAROL}|carol> Runs CI")
    assert reply.status == 200
    bot.settle()

    # Carol never opened Home: publishing hers is allowed, and it is there when she does.
    assert sorted(published_since(standin, before)) == sorted([BOB, CAROL])
    assert held(standin, BOB) == [] and held(standin, CAROL) == [decision.id]
    assert current(bot).decider_id == CAROL


def test_deciding_republishes_the_deciders_home_only(bot, slack, standin, errors_logged):
    decision = declared(bot, slack)
    open_home(bot, slack, BOB)
    assert held(standin, BOB) == [decision.id]
    before = len(standin.calls("views.publish"))

    slack.click(BOB, ids.RECORD_RESOLUTION, message=slack.latest_message(GENERAL))
    slack.submit(BOB, standin.latest_view(BOB), {ids.RESOLUTION: {"value": "GitHub Actions"}})
    bot.settle()

    assert current(bot).status is Status.DECIDED
    assert published_since(standin, before) == [BOB]
    assert held(standin, BOB) == []


def test_cancelling_republishes_the_decider_not_the_opener_who_cancelled(
    bot, slack, standin, errors_logged
):
    decision = declared(bot, slack)
    open_home(bot, slack, BOB)
    before = len(standin.calls("views.publish"))

    slack.command(ALICE, GENERAL, f"cancel {decision.id} Opened twice")
    bot.settle()

    assert current(bot).status is Status.CANCELLED
    assert published_since(standin, before) == [BOB]
    assert held(standin, BOB) == []


def test_a_refused_publish_is_logged_and_the_handoff_stands(bot, slack, standin, errors_logged):
    decision = declared(bot, slack)
    standin.fail_next("views.publish", status=200, error="internal_error", count=2)

    reply = slack.command(BOB, GENERAL, f"handoff {decision.id} <@{CAROL}|carol> Runs CI")
    assert reply.status == 200
    bot.settle()

    assert current(bot).decider_id == CAROL
    said = [r["payload"]["text"] for r in standin.responses(BOB)]
    assert any("Handed" in t or "handed" in t for t in said), said
    assert errors_logged.text.count("not republished: internal_error") == 2
    assert [c.ok for c in standin.calls("views.publish")] == [False, False]  # not retried
