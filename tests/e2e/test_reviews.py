"""Outcome reviews, deadline nudges and retrospectives with anonymous answers, end to end."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import inspect, select

from app import ids
from app.db.models import Decision, DecisionEvent, RetroAnswer, RetroRespondent
from app.domain import decisions
from app.domain.export import iter_rows
from app.exporting import write_export
from app.jobs.reviews import nudge_deadlines, send_outcome_reviews
from app.jobs.schedules import post_due_retros
from app.posting.cards import post_card
from tests.e2e.conftest import ALICE, BOB, CAROL, GENERAL


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def open_decision(bot, clock, title, decider=None, deadline=None) -> int:
    declaration = decisions.Declaration(
        title=title, channel_id=GENERAL, decider_id=decider, deadline=deadline
    )
    with bot.sessions.begin() as session:
        decision, _ = decisions.open_decision(
            session,
            team_id="T0001",
            declaration=declaration,
            actor_id=ALICE,
            origin_key=f"test:{title}",
            now=clock.now(),
        )
    post_card(bot.runtime.bolt.client, bot.sessions, "T0001", decision.id)
    return decision.id


def decide(bot, clock, decision_id, actor=BOB):
    with bot.sessions.begin() as session:
        decisions.record_resolution(
            session,
            team_id="T0001",
            decision_id=decision_id,
            actor_id=actor,
            resolution="Go with it",
            rationale=None,
            now=clock.now(),
            idempotency_key=f"test-decide:{decision_id}",
        )


def get(bot, decision_id) -> Decision:
    with bot.sessions() as session:
        return decisions.get_decision(session, "T0001", decision_id)


def test_outcome_review_round_trip_reaches_the_export(bot, slack, standin, clock, errors_logged):
    decision_id = open_decision(bot, clock, "Pick the queue", decider=BOB)
    decide(bot, clock, decision_id)
    clock.advance(timedelta(days=13, hours=23))
    assert send_outcome_reviews() == 0
    clock.advance(timedelta(hours=1))
    assert send_outcome_reviews() == 1
    assert send_outcome_reviews() == 0
    [dm] = standin.messages(BOB)
    assert dm["text"] == "How did “Pick the queue” turn out?"
    slack.click(CAROL, f"{ids.OUTCOME_PICK}worked", message=dm)  # not hers to answer
    bot.settle()
    assert standin.latest_view(CAROL) is None
    slack.click(BOB, f"{ids.OUTCOME_PICK}mixed", message=dm)
    bot.settle()
    view = standin.latest_view(BOB)
    for _ in range(2):  # a double submission records once
        reply = slack.submit(BOB, view, {ids.OUTCOME_NOTE: {ids.VALUE: "Slower than hoped"}})
        assert reply.status == 200
        bot.settle()
    decision = get(bot, decision_id)
    assert (decision.outcome, decision.outcome_note) == ("mixed", "Slower than hoped")
    with bot.sessions() as session:
        kinds = session.scalars(select(DecisionEvent.kind)).all()
    assert kinds.count("outcome_recorded") == 1
    assert "Recorded" in json.dumps(standin.messages(BOB)[0]["blocks"])
    out = io.StringIO()
    with bot.sessions() as session:
        write_export(iter_rows(session, ["T0001"]), "csv", out)
    header, row = out.getvalue().splitlines()[:2]
    assert dict(zip(header.split(","), row.split(","), strict=False))["outcome"] == "mixed"
    clock.advance(timedelta(days=30))
    assert send_outcome_reviews() == 0


def test_a_passed_deadline_nudges_once_and_only_the_opener_applies_the_tiebreaker(
    bot, slack, standin, clock, errors_logged
):
    decision_id = open_decision(
        bot, clock, "Pick the cache", deadline=clock.now() + timedelta(hours=1)
    )
    assert nudge_deadlines() == 0
    clock.advance(timedelta(hours=1))
    assert nudge_deadlines() == 1
    assert nudge_deadlines() == 0
    card, nudge = standin.messages(GENERAL)
    assert nudge["thread_ts"] == card["ts"]
    assert nudge["text"] == (
        "The deadline for “Pick the cache” has passed. By the tiebreaker rule, "
        f"<@{ALICE}> (who opened it) decides."
    )
    slack.click(BOB, ids.APPLY_TIEBREAKER, message=nudge)
    bot.settle()
    assert get(bot, decision_id).decider_id is None
    assert "Only <@U0ALICE>" in json.dumps(standin.responses(BOB)[-1]["payload"])
    slack.click(ALICE, ids.APPLY_TIEBREAKER, message=nudge)
    bot.settle()
    assert get(bot, decision_id).decider_id == ALICE
    card, nudge = standin.messages(GENERAL)
    assert f"<@{ALICE}>" in json.dumps(card["blocks"])
    assert "now decides" in nudge["text"]


def test_a_passed_deadline_asks_the_named_decider_and_offers_no_tiebreaker(
    bot, slack, standin, clock, errors_logged
):
    decision_id = open_decision(
        bot, clock, "Pick the cache", decider=BOB, deadline=clock.now() + timedelta(hours=1)
    )
    clock.advance(timedelta(hours=1))
    assert nudge_deadlines() == 1
    card, nudge = standin.messages(GENERAL)
    assert nudge["thread_ts"] == card["ts"]
    assert nudge["text"] == (
        f"The deadline for “Pick the cache” has passed. <@{BOB}>, decide it, or hand it on "
        f"with `/decide handoff {decision_id} @someone`."
    )
    buttons = [
        e["action_id"] for b in nudge["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert buttons == [ids.RECORD_RESOLUTION, ids.HAND_ON]
    # A tiebreaker button from an older nudge cannot take the decision from its decider.
    button = {"type": "button", "action_id": ids.APPLY_TIEBREAKER, "value": str(decision_id)}
    button["text"] = {"type": "plain_text", "text": "Apply the tiebreaker"}
    older = {**nudge, "blocks": [{"type": "actions", "block_id": "a", "elements": [button]}]}
    slack.click(ALICE, ids.APPLY_TIEBREAKER, message=older)
    bot.settle()
    assert get(bot, decision_id).decider_id == BOB
    assert "already decides" in json.dumps(standin.responses(ALICE)[-1]["payload"])
    slack.click(BOB, ids.RECORD_RESOLUTION, message=nudge)
    bot.settle()
    assert standin.latest_view(BOB)["callback_id"] == ids.RESOLVE_VIEW
    slack.click(BOB, ids.HAND_ON, message=nudge)
    bot.settle()
    form = standin.latest_view(BOB)
    assert form["callback_id"] == ids.HANDOFF_VIEW
    reply = slack.submit(BOB, form, {ids.NEW_DECIDER: {ids.VALUE: CAROL}})
    assert reply.status == 200, reply.body
    bot.settle()
    assert get(bot, decision_id).decider_id == CAROL


def test_weekly_retro_lists_last_weeks_decisions_and_shows_answers_from_three(
    bot, slack, standin, clock, errors_logged
):
    # Monday 2026-11-23: a retro every Friday at 16:00 Berlin (15:00 UTC).
    assert slack.command(ALICE, GENERAL, "retro every 1w fri 16:00 Europe/Berlin").status == 200
    bot.settle()
    clock.set(utc(2026, 11, 24, 12))
    old = open_decision(bot, clock, "Decided long ago", decider=BOB)
    decide(bot, clock, old)
    clock.set(utc(2026, 11, 27, 15))
    assert post_due_retros() == 1
    clock.set(utc(2026, 11, 30, 12))
    this_week = open_decision(bot, clock, "Pick the queue", decider=BOB)
    decide(bot, clock, this_week)
    clock.set(utc(2026, 12, 4, 15, 5))
    assert post_due_retros() == 1
    assert post_due_retros() == 0
    first, retro = [m for m in standin.messages(GENERAL) if m["text"].startswith("Retrospective")]
    assert "Decided long ago" in json.dumps(first["blocks"])
    text = json.dumps(retro["blocks"], ensure_ascii=False)
    assert "Pick the queue" in text and "outcome missing" in text
    assert "Decided long ago" not in text
    # Decided four days ago: its outcome review DM does not exist yet, so none is promised.
    assert standin.messages(BOB) == []
    assert "DM has buttons" not in text
    assert f"<@{BOB}>: your outcome review comes by direct message" in text
    assert "Did anyone feel pressured to defer despite knowing better?" in text

    def answer(user, overlooked="", pressured=""):
        slack.click(user, ids.RETRO_ANSWER, message=retro)
        bot.settle()
        values = {"overlooked": {ids.VALUE: overlooked}, "pressured": {ids.VALUE: pressured}}
        view = standin.latest_view(user)
        assert slack.submit(user, view, values).status == 200
        bot.settle()
        return view

    view = answer(ALICE, overlooked="Nobody asked the DBA")
    slack.submit(ALICE, view, {"overlooked": {ids.VALUE: "Nobody asked the DBA"}})  # twice
    bot.settle()
    answer(BOB, pressured="A little")
    in_thread = [m for m in standin.messages(GENERAL) if m["thread_ts"] == retro["ts"]]
    assert in_thread == []  # two answers: not shown, nobody can be singled out
    answer(CAROL, overlooked="Yes", pressured="No")
    [shown] = [m for m in standin.messages(GENERAL) if m["thread_ts"] == retro["ts"]]
    text = json.dumps(shown["blocks"], ensure_ascii=False)
    assert "Anonymous answers (4)" in text and "Nobody asked the DBA" in text
    assert ALICE not in text and BOB not in text and CAROL not in text
    columns = {c["name"] for c in inspect(bot.runtime.engine).get_columns("retro_answers")}
    assert not any("user" in c or "author" in c for c in columns)
    with bot.sessions() as session:
        assert len(session.scalars(select(RetroAnswer)).all()) == 4


def test_one_person_answering_three_times_does_not_unlock_the_answers(
    bot, slack, standin, clock, errors_logged
):
    slack.command(ALICE, GENERAL, "retro every 1w fri 16:00 Europe/Berlin")
    bot.settle()
    clock.set(utc(2026, 11, 27, 15))
    assert post_due_retros() == 1
    [retro] = [m for m in standin.messages(GENERAL) if m["text"].startswith("Retrospective")]
    for n in range(3):  # three separate forms, one person
        slack.click(BOB, ids.RETRO_ANSWER, message=retro)
        bot.settle()
        view = standin.latest_view(BOB)
        slack.submit(BOB, view, {"overlooked": {ids.VALUE: f"answer {n}"}})
        bot.settle()
    assert [m for m in standin.messages(GENERAL) if m["thread_ts"] == retro["ts"]] == []
    for user in (ALICE, CAROL):
        slack.click(user, ids.RETRO_ANSWER, message=retro)
        bot.settle()
        slack.submit(user, standin.latest_view(user), {"pressured": {ids.VALUE: "no"}})
        bot.settle()
    [shown] = [m for m in standin.messages(GENERAL) if m["thread_ts"] == retro["ts"]]
    assert "Anonymous answers (5)" in json.dumps(shown["blocks"])
    with bot.sessions() as session:
        keys = session.scalars(select(RetroRespondent.respondent_key)).all()
    assert len(keys) == 3 and not any(user in "".join(keys) for user in (ALICE, BOB, CAROL))


def test_the_retro_promises_the_review_dm_once_it_was_sent(
    bot, slack, standin, clock, errors_logged
):
    clock.set(utc(2026, 11, 23, 9))  # set in the week of Monday 23 Nov: 27 Nov, then 25 Dec
    assert slack.command(ALICE, GENERAL, "retro every 4w fri 16:00 UTC").status == 200
    bot.settle()
    clock.set(utc(2026, 11, 30, 12))
    decision_id = open_decision(bot, clock, "Pick the queue", decider=BOB)
    decide(bot, clock, decision_id)
    clock.set(utc(2026, 12, 15, 12))  # 15 days later: the review goes out before the retro
    assert send_outcome_reviews() == 1
    assert len(standin.messages(BOB)) == 1
    clock.set(utc(2026, 12, 25, 16, 1))
    assert post_due_retros() == 1
    [retro] = [m for m in standin.messages(GENERAL) if m["text"].startswith("Retrospective")]
    text = json.dumps(retro["blocks"], ensure_ascii=False)
    assert f"<@{BOB}>: how did your decisions turn out? Your outcome review DM has buttons." in text


def test_retro_answers_are_confirmed_privately_and_a_refusal_flags_both_questions(
    bot, slack, standin, clock, errors_logged
):
    slack.command(ALICE, GENERAL, "retro every 1w fri 16:00 Europe/Berlin")
    bot.settle()
    clock.set(utc(2026, 11, 27, 15))
    assert post_due_retros() == 1
    [retro] = [m for m in standin.messages(GENERAL) if m["text"].startswith("Retrospective")]
    slack.click(BOB, ids.RETRO_ANSWER, message=retro)
    bot.settle()
    view = standin.latest_view(BOB)
    refused = slack.submit(BOB, view, {})
    assert refused.json["response_action"] == "errors"
    assert set(refused.json["errors"]) == {"overlooked", "pressured"}  # either may fix it
    assert standin.errors_shown(view["id"]) == refused.json["errors"]
    sent = slack.submit(BOB, view, {"pressured": {ids.VALUE: "a little"}})
    assert sent.json["response_action"] == "update"
    shown = standin.current_view(BOB)  # the form became the confirmation, in place
    assert shown["id"] == view["id"] and shown["blocks"] == sent.json["view"]["blocks"]
    confirmation = json.dumps(shown, ensure_ascii=False)
    assert "your answers are in" in confirmation and BOB not in confirmation
    assert standin.messages(BOB) == []  # nothing in a channel or DM says who answered
