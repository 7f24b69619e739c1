"""Escalate and Consensus check from the card, end to end."""

from __future__ import annotations

import json

from sqlalchemy import select

from app import ids
from app.db.models import ConsensusVote, Decision, DecisionEvent
from app.domain import charter as charters
from app.vocabulary import Status
from tests.e2e.conftest import ALICE, BOB, CAROL, GENERAL


def declare(bot, slack, standin):
    assert slack.command(ALICE, GENERAL, f"Pick the queue <@{BOB}|b>").status == 200
    bot.settle()
    return standin.messages(GENERAL)[0]


def decision(bot) -> Decision:
    with bot.sessions() as session:
        return session.scalars(select(Decision)).one()


def test_escalate_moves_the_zone_logs_why_and_tells_the_contact(
    bot, slack, standin, clock, errors_logged
):
    with bot.sessions.begin() as session:
        charters.get_or_create(session, "T0001", clock.now()).escalation_contact = CAROL
    card = declare(bot, slack, standin)
    slack.click(BOB, ids.ESCALATE, message=card)
    bot.settle()
    view = standin.latest_view(BOB)
    assert view["callback_id"] == ids.ESCALATE_VIEW
    reply = slack.submit(BOB, view, {ids.REASON: {ids.VALUE: "Touches customer data"}})
    assert reply.status == 200
    bot.settle()
    found = decision(bot)
    assert (found.zone.value, found.status) == ("principle", Status.ESCALATED)
    with bot.sessions() as session:
        event = session.scalars(
            select(DecisionEvent).where(DecisionEvent.kind == "escalated")
        ).one()
    assert (event.actor_id, event.detail["reason"]) == (BOB, "Touches customer data")
    [dm] = standin.messages(CAROL)
    assert "escalated" in dm["text"] and "Touches customer data" in dm["text"]
    assert "*Zone*\\nprinciple" in json.dumps(standin.messages(GENERAL)[0]["blocks"])


def test_one_objection_reopens_the_decider_and_a_double_click_counts_once(
    bot, slack, standin, errors_logged
):
    card = declare(bot, slack, standin)
    slack.click(ALICE, ids.CONSENSUS_CHECK, message=card)
    bot.settle()
    check = standin.messages(GENERAL)[-1]
    assert check["text"] == f"Is everyone comfortable with <@{BOB}> having final say?"
    assert check["thread_ts"] == card["ts"]
    assert f"Asked by <@{ALICE}>" in json.dumps(check["blocks"])
    slack.click(BOB, ids.CONSENSUS_AGREE, message=check)
    slack.click(BOB, ids.CONSENSUS_AGREE, message=check)
    bot.settle()
    with bot.sessions() as session:
        assert len(session.scalars(select(ConsensusVote)).all()) == 1
    slack.click(CAROL, ids.CONSENSUS_OBJECT, message=standin.messages(GENERAL)[-1])
    bot.settle()
    form = standin.latest_view(CAROL)
    assert form["callback_id"] == ids.CONSENSUS_OBJECT_VIEW
    empty = slack.submit(CAROL, form, {ids.REASON: {ids.VALUE: "  "}})
    assert empty.json["response_action"] == "errors"  # an objection needs its reason
    assert decision(bot).decider_id == BOB
    reply = slack.submit(CAROL, form, {ids.REASON: {ids.VALUE: "Bob wrote the <!channel> code"}})
    assert reply.status == 200
    bot.settle()
    found = decision(bot)
    assert (found.decider_id, found.reopened, found.objected_by) == (None, True, CAROL)
    card_now = json.dumps(standin.messages(GENERAL)[0]["blocks"], ensure_ascii=False)
    assert "no decider yet — reopened after an objection" in card_now
    assert f"<@{CAROL}> objected" in card_now and "&lt;!channel&gt; code" in card_now
    check_now = json.dumps(standin.messages(GENERAL)[-1]["blocks"])
    assert f"<@{CAROL}> objected" in check_now and f"<@{ALICE}> objected" not in check_now
    for told in (BOB, ALICE):  # the decider and the opener hear who objected and why
        [dm] = standin.messages(told)
        assert f"<@{CAROL}> objected" in dm["text"] and "code" in dm["text"]
    assert standin.messages(CAROL) == []
    with bot.sessions() as session:
        kinds = [e.kind for e in session.scalars(select(DecisionEvent))]
    assert "consensus_objection" in kinds


def test_only_the_objector_withdraws_and_the_decider_returns(bot, slack, standin, errors_logged):
    card = declare(bot, slack, standin)
    slack.click(ALICE, ids.CONSENSUS_CHECK, message=card)
    bot.settle()
    slack.click(CAROL, ids.CONSENSUS_OBJECT, message=standin.messages(GENERAL)[-1])
    bot.settle()
    slack.submit(CAROL, standin.latest_view(CAROL), {ids.REASON: {ids.VALUE: "Too risky"}})
    bot.settle()
    objected = standin.messages(GENERAL)[-1]
    slack.click(ALICE, ids.CONSENSUS_WITHDRAW, message=objected)  # the asker, not the objector
    bot.settle()
    assert decision(bot).decider_id is None
    refusal = json.dumps(standin.ephemerals(ALICE) + standin.responses(ALICE))
    assert f"Only <@{CAROL}>, who objected, can withdraw" in refusal
    slack.click(CAROL, ids.CONSENSUS_WITHDRAW, message=objected)
    bot.settle()
    found = decision(bot)
    assert (found.decider_id, found.reopened, found.objected_by) == (BOB, False, None)
    assert "objected" not in json.dumps(standin.messages(GENERAL)[0]["blocks"])
    assert any(
        f"<@{CAROL}> withdrew" in m["text"] and f"<@{BOB}> decides again" in m["text"]
        for m in standin.messages(BOB)
    )
