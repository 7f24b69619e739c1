"""Stand-up deference checks end to end: the command, the sweep, DST, restarts, fan-out."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app import ids
from app.db.models import ChannelSchedule, Decision
from app.domain import channel_schedules
from app.domain.schedules import Recurrence
from app.jobs import front_door as jobs
from app.jobs.schedules import post_due_checkins
from app.jobs.sweeps import run_due
from app.standin import Workspace
from tests.e2e.conftest import ALICE, BOB, CAROL, GENERAL, SIGNING_SECRET, start_bot, stop_bot

QUESTION = "For today's decisions, who has authority?"


@pytest.fixture
def slack_for(standin):
    return lambda bot: Workspace(standin, bot_url=bot.url, signing_secret=SIGNING_SECRET)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def checkins(standin, channel=GENERAL):
    return [m for m in standin.messages(channel) if m["text"].startswith(QUESTION)]


def answer(standin, user=ALICE) -> str:
    return json.dumps(standin.responses(user)[-1]["payload"], ensure_ascii=False)


def set_checkin(
    bot, slack, text="checkin 09:30 mon-fri Europe/Berlin", user=ALICE, channel=GENERAL
):
    reply = slack.command(user, channel, text)
    assert reply.status == 200
    bot.settle()
    return reply


def test_checkin_fires_at_0930_berlin_in_winter_and_summer_once_per_weekday(
    bot, slack, standin, clock, errors_logged
):
    clock.set(utc(2027, 3, 19, 12))  # a Friday, after that day's check-in
    set_checkin(bot, slack)
    assert "Scheduled." in answer(standin) and "<!date^" in answer(standin)
    posted_at = []
    while clock.now() < utc(2027, 3, 31):
        before = len(checkins(standin))
        post_due_checkins()
        posted_at += [clock.now()] * (len(checkins(standin)) - before)
        clock.advance(timedelta(minutes=15))
    winter = [utc(2027, 3, day, 8, 30) for day in (22, 23, 24, 25, 26)]
    summer = [utc(2027, 3, day, 7, 30) for day in (29, 30)]
    assert posted_at == winter + summer  # never on the 27th or 28th (weekend)


def test_the_checkin_lists_open_decisions_and_claiming_sets_the_decider(
    bot, slack, standin, clock, errors_logged
):
    slack.command(ALICE, GENERAL, "Pick the queue @U0BOB".replace("@U0BOB", f"<@{BOB}>"))
    slack.command(ALICE, GENERAL, "poll Pick the cache")
    bot.settle()
    set_checkin(bot, slack, "checkin 10:00 daily UTC")
    clock.set(utc(2026, 11, 24, 10))
    assert post_due_checkins() == 1
    assert post_due_checkins() == 0
    [post] = checkins(standin)
    text = json.dumps(post["blocks"], ensure_ascii=False)
    assert "Pick the queue" in text and f"<@{BOB}>" in text
    assert "Pick the cache" in text and "no decider yet" in text
    slack.click(CAROL, ids.CHECKIN_CLAIM, message=post)
    bot.settle()
    with bot.sessions() as session:
        cache = session.scalars(select(Decision).where(Decision.title == "Pick the cache")).one()
    assert cache.decider_id == CAROL
    [post] = checkins(standin)
    assert "no decider yet" not in json.dumps(post["blocks"])
    assert f"<@{CAROL}>" in json.dumps(post["blocks"])


def test_show_change_and_remove_take_effect_without_restart(bot, slack, standin, clock):
    set_checkin(bot, slack, "checkin")
    assert "No deference check is scheduled here" in answer(standin)
    set_checkin(bot, slack, "checkin 09:30 mon-fri Europe/Berlin")
    set_checkin(bot, slack, "checkin 11:00 mon-fri Europe/Berlin")  # changed: 10:00 UTC
    set_checkin(bot, slack, "checkin")
    assert "11:00 weekdays (Europe/Berlin)" in answer(standin)
    clock.set(utc(2026, 11, 24, 8, 30))
    assert post_due_checkins() == 0
    clock.set(utc(2026, 11, 24, 10))
    assert post_due_checkins() == 1
    set_checkin(bot, slack, "checkin off")
    assert "Removed" in answer(standin)
    clock.set(utc(2026, 11, 25, 10))
    assert post_due_checkins() == 0
    assert len(checkins(standin)) == 1


def test_bad_input_gets_an_example(bot, slack, standin):
    for text, problem in [
        ("checkin 25:00", "as a time of day"),
        ("checkin 09:30 funday", "as weekdays"),
        ("checkin 09:30 mon-fri Mars/Base", "not a time zone"),
        ("retro every 3w fri 16:00", "every `1w`, `2w` or `4w`"),
    ]:
        reply = slack.command(ALICE, GENERAL, text)
        assert reply.json["response_type"] == "ephemeral"
        assert problem in reply.json["text"] and "For example: `/decide" in reply.json["text"]


def test_a_channel_the_bot_is_not_in_gets_instructions(bot, slack, standin):
    standin.add_channel("C0QUIET", "quiet", is_member=False)
    set_checkin(bot, slack, "checkin 09:30", channel="C0QUIET")
    assert "/invite @Deference" in answer(standin)
    with bot.sessions() as session:
        assert session.scalars(select(ChannelSchedule)).all() == []


def test_the_callers_time_zone_is_the_default(bot, slack, standin):
    set_checkin(bot, slack, "checkin 09:30", user=BOB)
    with bot.sessions() as session:
        assert session.scalars(select(ChannelSchedule)).one().tz == "America/New_York"


def test_an_archived_channel_disables_its_schedule_with_one_log_line(
    bot, slack, standin, clock, caplog
):
    set_checkin(bot, slack, "checkin 10:00 daily UTC")
    standin.add_channel(GENERAL, "general", is_archived=True)
    clock.set(utc(2026, 11, 24, 10))
    caplog.set_level(logging.WARNING)
    assert post_due_checkins() == 0
    assert post_due_checkins() == 0
    with bot.sessions() as session:
        assert session.scalars(select(ChannelSchedule)).one().disabled_reason == "is_archived"
    assert len([r for r in caplog.records if "disabled the checkin" in r.getMessage()]) == 1
    posts = [c for c in standin.calls("chat.postMessage") if "set the" not in c.params["text"]]
    assert len(posts) == 1 + 0  # one refused attempt, no retries (besides the announcement)
    set_checkin(bot, slack, "checkin")
    assert "paused" in answer(standin)


def test_restart_after_downtime_posts_exactly_once(standin, database_url, clock, slack_for):
    first = start_bot(standin, database_url, clock)
    try:
        slack_for(first).command(ALICE, GENERAL, "checkin 09:30 daily Europe/Berlin")
        first.settle()
    finally:
        stop_bot(first)
    clock.set(utc(2026, 11, 27, 8, 45))  # down through three slots; back 15 min after a fourth
    second = start_bot(standin, database_url, clock)  # start-up runs everything due
    try:
        assert len(checkins(standin)) == 1
        assert run_due()["check-ins posted"] == 0
        assert len(checkins(standin)) == 1
    finally:
        stop_bot(second)
    clock.set(utc(2026, 11, 28, 12))  # back hours after the slot: too late, nothing
    third = start_bot(standin, database_url, clock)
    stop_bot(third)
    assert len(checkins(standin)) == 1


def test_the_cron_job_is_persisted_in_the_schedule_zone_and_removed_with_it(
    standin, database_url, clock, slack_for
):
    bot = start_bot(standin, database_url, clock, scheduler="paused")
    scheduler = bot.runtime.scheduler
    try:
        slack = slack_for(bot)
        slack.command(ALICE, GENERAL, "checkin 09:30 mon-fri Europe/Berlin")
        bot.settle()
        job = scheduler.get_job(jobs.channel_job_id("checkin", "T0001", GENERAL))
        assert job.args == ("T0001", GENERAL) and job.coalesce and job.max_instances == 1
        assert job.func.__module__ == "app.jobs.schedules" and job.func.__name__ == "run_checkin"
        fire = job.trigger.get_next_fire_time(None, utc(2027, 3, 26, 9))
        assert fire.astimezone(UTC) == utc(2027, 3, 29, 7, 30)
        assert job.misfire_grace_time > 0
        slack.command(ALICE, GENERAL, "checkin off")
        bot.settle()
        assert scheduler.get_job(jobs.channel_job_id("checkin", "T0001", GENERAL)) is None
    finally:
        scheduler.remove_all_jobs()  # the job table outlives the test on PostgreSQL
        stop_bot(bot)


def test_fan_out_to_many_channels_survives_429s_and_500s(bot, standin, clock, caplog, monkeypatch):
    # The injected faults must land on one request's retries in turn: post one at a time.
    monkeypatch.setattr("app.jobs.schedules.SWEEP_THREADS", 1)
    channels = [f"C0FAN{n:02d}" for n in range(24)]
    rec = Recurrence(10, 0, tuple(range(7)), "UTC")
    with bot.sessions.begin() as session:
        for channel in channels:
            standin.add_channel(channel, channel.lower())
            channel_schedules.put(
                session,
                team_id="T0001",
                channel_id=channel,
                kind="checkin",
                rec=rec,
                actor_id=ALICE,
                now=clock.now(),
            )
    clock.set(utc(2026, 11, 24, 10))
    # slack_sdk's retry handlers share one budget of 3 retries per request: 500, 429, 429, ok.
    standin.fail_next("chat.postMessage", status=500, count=1)
    standin.fail_next("chat.postMessage", status=429, count=1, retry_after=0)
    standin.fail_next("chat.postMessage", status=429, count=1, retry_after=1)
    assert post_due_checkins() == len(channels)
    # A channel whose retries run out is left pending and posted by the next sweep.
    standin.fail_next("chat.postMessage", status=429, count=4, retry_after=0)
    clock.set(utc(2026, 11, 25, 10))
    assert post_due_checkins() == len(channels) - 1
    clock.advance(timedelta(minutes=1))
    assert post_due_checkins() == 1
    assert post_due_checkins() == 0
    for channel in channels:
        assert len(checkins(standin, channel)) == 2, channel
    failed = [c for c in standin.calls("chat.postMessage") if c.status != 200]
    assert [c.status for c in failed] == [500, 429, 429, 429, 429, 429, 429]
    # Each attempt is one request (no retries hidden inside slack_sdk, which would outlast the
    # claim's lease), so slack_sdk logs the 500's HTML body it cannot decode; nothing else may
    # log an error.
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert all(r.name == "slack_sdk.web.base_client" for r in errors), errors


def test_only_the_setter_or_an_admin_changes_a_schedule_and_the_channel_is_told(
    bot, slack, standin, clock, errors_logged
):
    from tests.reliability.surfaces import OtherWorkspace

    admin = "U0BOSS"
    standin.add_user(admin, "boss", is_admin=True)

    def told() -> list[str]:
        return [
            m["text"] for m in standin.messages(GENERAL) if "the deference check here" in m["text"]
        ]

    set_checkin(bot, slack, "checkin 09:30 mon-fri UTC", user=ALICE)
    assert told() == [f"<@{ALICE}> set the deference check here. " + told()[0].split(". ", 1)[1]]
    set_checkin(bot, slack, "checkin 11:00 mon-fri UTC", user=BOB)  # someone else
    refusal = answer(standin, BOB)
    assert f"Only <@{ALICE}> (who set it) or a workspace admin can change or remove" in refusal
    set_checkin(bot, slack, "checkin off", user=BOB)
    assert f"Only <@{ALICE}> (who set it)" in answer(standin, BOB)
    with bot.sessions() as session:
        [row] = session.scalars(select(ChannelSchedule)).all()
        assert (row.hour, row.created_by) == (9, ALICE)
    assert len(told()) == 1
    set_checkin(bot, slack, "checkin", user=BOB)
    assert f"Set by <@{ALICE}>; only they or a workspace admin" in answer(standin, BOB)
    # Another workspace's command in a channel of the same id touches nothing of this one.
    other = OtherWorkspace(standin, bot_url=bot.url, signing_secret=SIGNING_SECRET)
    assert other.command(ALICE, GENERAL, "checkin off").status == 200
    bot.settle()
    with bot.sessions() as session:
        assert len(session.scalars(select(ChannelSchedule)).all()) == 1
    set_checkin(bot, slack, "checkin 11:00 mon-fri UTC", user=admin)
    assert told()[-1].startswith(f"<@{admin}> changed the deference check here. ")
    assert "11:00" in told()[-1]
    set_checkin(bot, slack, "checkin off", user=ALICE)  # the admin set it last
    assert f"Only <@{admin}> (who set it)" in answer(standin, ALICE)
    set_checkin(bot, slack, "checkin off", user=admin)
    assert "Removed" in answer(standin, admin)
    assert [m["text"] for m in standin.messages(GENERAL)][-1] == (
        f"<@{admin}> removed the deference check here; it will not be posted again until "
        "someone sets it."
    )
    clock.set(utc(2026, 11, 24, 11))
    assert post_due_checkins() == 0
