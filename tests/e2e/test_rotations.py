"""Rotations end to end: the command, permissions, the lead today and after the handoff,
handoffs announced once (channel + two DMs) across restarts, and rotating decisions."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app import ids
from app.db.models import Decision
from app.jobs.rotations import announce_handoffs
from app.jobs.sweeps import run_due
from app.standin import Workspace
from tests.e2e.conftest import ALICE, BOB, CAROL, GENERAL, SIGNING_SECRET, start_bot, stop_bot

ADMIN = "U0ADMIN"


@pytest.fixture
def slack_for(standin):
    return lambda bot: Workspace(standin, bot_url=bot.url, signing_secret=SIGNING_SECRET)


def said(standin, user=ADMIN) -> str:
    return json.dumps(standin.responses(user)[-1]["payload"], ensure_ascii=False)


def run(bot, slack, text, user=ADMIN):
    assert slack.command(user, GENERAL, text).status == 200
    bot.settle()


def handoffs(standin, channel):
    return [m for m in standin.messages(channel) if m["text"].startswith("Rotation ")]


def test_two_week_rotation_shows_the_lead_today_and_hands_over_once(
    bot, slack, standin, clock, errors_logged, database_url, slack_for
):
    standin.add_user(ADMIN, "admin", is_admin=True)
    clock.set(datetime(2027, 3, 1, 9, tzinfo=UTC))  # Monday, 10:00 in Berlin
    run(bot, slack, f"rotation oncall <@{ALICE}|a> <@{BOB}|b> every 2w")
    assert "Started" in said(standin) and f"lead now <@{ALICE}>" in said(standin)
    run(bot, slack, f"Pick the pager <@{ALICE}|a>")
    with bot.sessions.begin() as session:
        session.scalars(select(Decision)).one().framework = "rotating"
    run(bot, slack, "rotation")
    assert f"lead now <@{ALICE}>" in said(standin) and f"next <@{BOB}>" in said(standin)
    assert announce_handoffs() == 0  # the first day of a new rotation is no handoff
    clock.set(datetime(2027, 3, 14, 22, 59, tzinfo=UTC))  # 23:59 Sunday in Berlin
    assert announce_handoffs() == 0
    clock.advance(timedelta(minutes=1))  # local midnight: Bob's turn
    assert announce_handoffs() == 3  # the channel, and a DM to each of the two
    [post] = handoffs(standin, GENERAL)
    assert post["text"] == f"Rotation oncall: <@{ALICE}> hands over to <@{BOB}>."
    assert "Pick the pager" in json.dumps(post["blocks"])
    assert handoffs(standin, ALICE) and handoffs(standin, BOB)
    with bot.sessions() as session:
        assert session.scalars(select(Decision)).one().decider_id == BOB
    assert announce_handoffs() == 0
    again = start_bot(standin, database_url, clock)  # a restart catches up, and posts nothing
    try:
        assert run_due()["handoffs announced"] == 0
        run(again, slack_for(again), "rotation")
        assert f"lead now <@{BOB}>" in said(standin)
    finally:
        stop_bot(again)
    assert len(handoffs(standin, GENERAL)) == 1


def test_skip_swap_and_away_adjust_the_lead_and_skip_is_announced(
    bot, slack, standin, clock, errors_logged
):
    standin.add_user(ADMIN, "admin", is_admin=True)
    run(bot, slack, f"rotation design <@{ALICE}|a> <@{BOB}|b> <@{CAROL}|c> every 1w")
    clock.advance(timedelta(days=1))  # a skip on a later day than the rotation was set
    run(bot, slack, "rotation design skip")
    assert f"<@{BOB}> leads `design` now" in said(standin)
    assert announce_handoffs() == 0  # the command announced it (channel and two DMs)
    [post] = handoffs(standin, GENERAL)
    shown = json.dumps(post["blocks"])
    assert f"<@{ADMIN}> skipped <@{ALICE}>'s turn in the *design* rotation" in shown
    assert handoffs(standin, ALICE) and handoffs(standin, BOB)
    run(bot, slack, f"rotation design swap <@{BOB}|b> <@{CAROL}|c>")
    assert f"<@{CAROL}> leads" in said(standin)
    run(bot, slack, f"rotation design away <@{CAROL}|c> until 2026-12-01")
    assert f"<@{BOB}> leads" in said(standin)
    posts = handoffs(standin, GENERAL)
    assert len(posts) == 3  # each change of lead, the same day, after the first one
    assert f"swapped <@{BOB}> and <@{CAROL}>" in json.dumps(posts[1]["blocks"])
    assert f"marked <@{CAROL}> away until" in json.dumps(posts[2]["blocks"])
    assert announce_handoffs() == 0


def test_an_adjustment_on_the_day_a_rotation_starts_is_announced_and_one_needs_no_name(
    bot, slack, standin, clock, errors_logged
):
    standin.add_user(ADMIN, "admin", is_admin=True)
    run(bot, slack, f"rotation oncall <@{ALICE}|a> <@{BOB}|b> <@{CAROL}|c> every 1w")
    run(bot, slack, f"rotation away <@{CAROL}|c> until 2026-12-20")  # Carol does not lead
    [kept] = handoffs(standin, GENERAL)
    assert f"marked <@{CAROL}> away" in json.dumps(kept["blocks"])
    assert f"<@{ALICE}> still leads" in json.dumps(kept["blocks"])
    run(bot, slack, "rotation skip")  # the channel's only rotation
    assert f"<@{BOB}> leads `oncall` now" in said(standin)
    posts = handoffs(standin, GENERAL)
    assert len(posts) == 2 and f"skipped <@{ALICE}>'s turn" in json.dumps(posts[1]["blocks"])
    assert announce_handoffs() == 0
    run(bot, slack, f"rotation design <@{ALICE}|a> <@{BOB}|b> every 1w")
    run(bot, slack, "rotation skip")
    assert "several rotations (`oncall`, `design`); say which one" in said(standin)
    assert len(handoffs(standin, GENERAL)) == 2
    run(bot, slack, "rotation skip", user=ALICE)  # not allowed to change rotations
    assert "Only workspace admins" in said(standin, ALICE)
    assert len(handoffs(standin, GENERAL)) == 2


def test_a_rotating_decision_gets_the_current_lead(bot, slack, standin, errors_logged):
    standin.add_user(ADMIN, "admin", is_admin=True)
    run(bot, slack, f"rotation oncall <@{BOB}|b> <@{CAROL}|c> every 1w")
    assert slack.command(ALICE, GENERAL, "").status == 200
    bot.settle()
    view = standin.latest_view(ALICE)
    slack.submit(
        ALICE,
        view,
        {ids.TITLE: {"value": "Restart the cluster"}, ids.FRAMEWORK: {"value": "rotating"}},
    )
    bot.settle()
    with bot.sessions() as session:
        assert session.scalars(select(Decision)).one().decider_id == BOB


def test_only_admins_may_change_rotations_and_bad_input_gets_an_example(
    bot, slack, standin, errors_logged
):
    run(bot, slack, f"rotation oncall <@{BOB}|b> <@{CAROL}|c> every 1w", user=ALICE)
    assert "Only workspace admins and owners can change rotations" in said(standin, ALICE)
    standin.add_user(ADMIN, "admin", is_admin=True)
    run(bot, slack, f"rotation oncall <@{BOB}|b> <@U0NOBODY|x> every 1w")
    assert "can't find that person" in said(standin)
    run(bot, slack, "rotation nope skip")
    assert "no rotation called “nope”" in said(standin)
    reply = slack.command(ADMIN, GENERAL, f"rotation oncall <@{BOB}|b> every 1w")
    assert "at least two people" in reply.json["text"] and "`/decide rotation" in reply.json["text"]


def test_the_checkin_names_the_current_rotation_lead(bot, slack, standin, clock, errors_logged):
    from app.jobs.schedules import post_due_checkins

    standin.add_user(ADMIN, "admin", is_admin=True)
    run(bot, slack, f"rotation oncall <@{CAROL}|c> <@{BOB}|b> every 1w")
    run(bot, slack, "checkin 10:00 daily UTC")
    clock.set(datetime(2026, 11, 24, 10, tzinfo=UTC))
    assert post_due_checkins() == 1
    [post] = [m for m in standin.messages(GENERAL) if m["text"].startswith("For today")]
    assert f"Current rotation lead: <@{CAROL}>" in json.dumps(post["blocks"])
