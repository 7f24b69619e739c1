"""/decide stats, the App Home and charts, end to end through the HTTP server."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy.orm import Session

from app import ids
from app.blocks.home import build_home
from app.db.models import Decision, Team
from app.domain import home, insight, metrics
from app.jobs.schedules import post_due_retros
from app.standin import view_errors
from app.vocabulary import Status, Zone
from tests.charts.test_charts import size
from tests.domain.test_insight import seed as seeded_team
from tests.e2e.conftest import ALICE, BOB, CAROL, GENERAL
from tests.e2e.test_reviews import decide, open_decision, utc


def seed(session: Session, clock, count: int, *, decider=BOB, status=Status.OPEN, team="T0001"):
    if session.get(Team, team) is None:
        session.add(Team(id=team, domain="acme", created_at=clock.now()))
        session.flush()
    for n in range(count):
        session.add(
            Decision(
                team_id=team,
                origin_key=f"seed:{decider}:{status.value}:{n}",
                title=f"Seeded decision {n}",
                channel_id=GENERAL,
                decider_id=decider,
                created_by=ALICE,
                created_at=clock.now() - timedelta(hours=n + 1),
                status=status,
                zone=Zone.LOCAL,
            )
        )


def test_stats_answers_privately_with_figures_and_warnings(
    bot, slack, standin, clock, errors_logged
):
    with bot.sessions.begin() as session:
        seed(session, clock, 7, decider=BOB)  # Bob holds too much
        seed(session, clock, 1, decider=CAROL)
    reply = slack.command(ALICE, GENERAL, "stats")
    assert reply.status == 200
    bot.settle()
    [answer] = standin.responses(ALICE)
    assert answer["payload"]["response_type"] == "ephemeral"
    text = json.dumps(answer["payload"]["blocks"], ensure_ascii=False)
    assert "How this channel decides (last 30 days)" in text
    assert "*Decisions opened:* 8" in text
    assert "top decider 88% of decisions" in text
    assert "<@U0BOB> holds 88% of the decisions" in text
    assert "<@U0BOB>'s load is 7 open decisions (more than 5)" in text
    assert "*Load (open decisions per person):* highest <@U0BOB> with 7" in text
    # Too little data for the newer figures: each says how many it has and needs.
    assert "*Shadow authority:* not enough data yet. It needs 5 decided decisions" in text
    assert "*Calibration:* not enough data yet." in text
    assert "*Whose voice is heard:* not enough data yet." in text
    assert standin.uploaded_files() == []


def test_stats_chart_uploads_three_readable_pngs(bot, slack, standin, clock, errors_logged):
    decision_id = open_decision(bot, clock, "Pick the queue", decider=BOB)
    clock.advance(timedelta(hours=5))
    decide(bot, clock, decision_id)
    slack.command(ALICE, GENERAL, "stats team 90d chart")
    bot.settle()
    files = standin.uploaded_files(GENERAL)
    assert [f["name"] for f in files] == ["velocity.png", "deciders.png", "outcomes.png"]
    assert all(size(f["bytes"]) == (800, 450) for f in files)
    assert "asked for by <@U0ALICE>" in files[0]["initial_comment"]
    names = [c.params["user"] for c in standin.calls("users.info")]
    assert BOB in names  # the chart labels people by name, looked up, not by id


def test_stats_and_charts_show_shadow_authority_calibration_and_voices_with_enough_data(
    bot, slack, standin, clock, errors_logged
):
    with bot.sessions.begin() as session:
        seeded_team(session)  # the hand-worked team of tests/domain/test_insight.py
    slack.command(BOB, GENERAL, "stats team all chart")
    bot.settle()
    text = json.dumps(standin.responses(BOB)[0]["payload"]["blocks"], ensure_ascii=False)
    assert "of the 8 decisions where the charter or a poll named someone, 38% were" in text
    assert "*Charter authority most often bypassed:* *hiring* 2 of 3, *design* 2 of 4" in text
    assert "*Calibration of shared forecasts:* <@U0BOB> 0.22 (5 forecasts)" in text
    assert "Gini of participation 0.22" in text
    assert "<@U0ERIN> nominated 5 times, decided 1" in text
    files = standin.uploaded_files(GENERAL)
    assert [f["name"] for f in files] == [
        "velocity.png", "deciders.png", "outcomes.png", "authority.png", "calibration.png",
        "participation.png",
    ]  # fmt: skip
    assert all(size(f["bytes"]) == (800, 450) for f in files)
    comment = files[0]["initial_comment"]
    assert "Shadow authority over time (8 decisions)" in comment
    assert "Calibration (5 shared, reviewed forecasts)" in comment
    assert "Whose voice is heard (6 polls and consensus checks)" in comment


def test_stats_with_a_bad_word_explains(bot, slack, errors_logged):
    reply = slack.command(ALICE, GENERAL, "stats fortnight")
    assert "I can't read “fortnight”" in reply.json["text"]


def test_opening_the_home_tab_publishes_it(bot, slack, standin, clock, errors_logged):
    open_decision(bot, clock, "Pick the queue", decider=BOB)
    reply = slack.event({"type": "app_home_opened", "user": BOB, "channel": "D0BOB", "tab": "home"})
    assert reply.status == 200
    bot.settle()
    view = standin.home(BOB)
    assert view is not None and view["type"] == "home"
    text = json.dumps(view["blocks"], ensure_ascii=False)
    assert "Decisions you hold" in text and "Pick the queue" in text
    assert ids.RECORD_RESOLUTION in text
    slack.event({"type": "app_home_opened", "user": BOB, "channel": "D0BOB", "tab": "messages"})
    bot.settle()
    assert len(standin.calls("views.publish")) == 1  # the Messages tab needs no drawing


def test_home_stays_within_slacks_limits_with_a_thousand_open_decisions(bot, clock):
    with bot.sessions.begin() as session:
        seed(session, clock, 1000, decider=BOB)
        seed(session, clock, 200, decider=BOB, status=Status.DECIDED)
    now = clock.now()
    with bot.sessions() as session:
        data = home.home_data(session, "T0001", BOB, now, review_days=0)
        board = metrics.dashboard(session, metrics.Scope("T0001"))
        found = insight.gather(session, metrics.Scope("T0001"), board, viewer=BOB)
        view = build_home(data, board, insight=found).to_dict()
    assert data.mine.total == 1000 and data.mine.more == 992
    assert len(view["blocks"]) <= 100
    assert view_errors(view) == []  # the stand-in's check of every Block Kit limit
    assert "…and 992 more decisions" in json.dumps(view, ensure_ascii=False)


def test_each_retrospective_carries_its_charts_once(bot, slack, standin, clock, errors_logged):
    assert slack.command(ALICE, GENERAL, "retro every 1w fri 16:00 Europe/Berlin").status == 200
    bot.settle()
    clock.set(utc(2026, 11, 24, 12))
    decide(bot, clock, open_decision(bot, clock, "Pick the cache", decider=BOB))
    clock.set(utc(2026, 11, 27, 15))
    assert post_due_retros() == 1
    assert post_due_retros() == 0
    [retro] = [m for m in standin.messages(GENERAL) if m["text"].startswith("Retrospective")]
    assert "*Shadow authority:* not enough data yet" in json.dumps(retro["blocks"])
    files = standin.uploaded_files(GENERAL)
    assert [f["thread_ts"] for f in files] == [retro["ts"]] * 3  # the others lack data
    assert len(standin.calls("files.completeUploadExternal")) == 1


def test_home_shows_rotation_leads_and_the_charter_and_stats_compare_formal_leads(
    bot, slack, standin, clock, errors_logged
):
    from app.db.models import CharterDomain, CharterFormalLead, Rotation

    with bot.sessions.begin() as session:
        seed(session, clock, 3, decider=BOB)
        seed(session, clock, 1, decider=CAROL)
        session.add(
            Rotation(
                team_id="T0001",
                channel_id=GENERAL,
                name="triage",
                members=[CAROL, ALICE],
                period_days=7,
                start_date=clock.now().date().isoformat(),
                tz="UTC",
                created_by=ALICE,
                created_at=clock.now(),
            )
        )
        session.add(
            CharterDomain(team_id="T0001", name="billing", authority_id=BOB, zone=Zone.PRINCIPLE)
        )
        session.add(CharterFormalLead(team_id="T0001", user_id=BOB))
    slack.event({"type": "app_home_opened", "user": ALICE, "channel": "D0A", "tab": "home"})
    bot.settle()
    text = json.dumps(standin.home(ALICE)["blocks"], ensure_ascii=False)
    assert "*triage* in <#C0GENERAL>: <@U0CAROL>" in text
    assert "*billing*: <@U0BOB> · principle" in text
    assert "*Formal leads:* 75% of decisions were decided by a formal lead" in text
    slack.command(ALICE, GENERAL, "stats")
    bot.settle()
    assert "*Formal leads:* 75%" in json.dumps(standin.responses(ALICE)[-1]["payload"])


def test_an_anonymous_ballot_moves_no_one_s_figures_in_stats(
    bot, slack, standin, clock, errors_logged
):
    """Through the real bot: the hand-worked team, then an anonymous poll that Dave (in the
    workspace, in nobody's figures) and Bob answer. `/decide stats` before and after may differ
    only in the anonymous totals; nobody's answered, asked or nominations move."""
    from tests.e2e.test_polls import DAVE, card_message, poll_message

    standin.add_user(DAVE, "dave")
    with bot.sessions.begin() as session:
        seeded_team(session)
    slack.command(ALICE, GENERAL, "Pick the queue <@U0BOB|bob>")
    bot.settle()
    slack.click(CAROL, ids.RUN_POLL, message=card_message(standin))
    bot.settle()
    values = {ids.CLOSES: {ids.VALUE: "tomorrow 10:00"}, ids.ANONYMOUS: {ids.VALUE: ["yes"]}}
    assert slack.submit(CAROL, standin.latest_view(CAROL), values).body == ""
    bot.settle()

    def voices() -> str:
        slack.command(ALICE, GENERAL, "stats team all")
        bot.settle()
        blocks = standin.responses(ALICE)[-1]["payload"]["blocks"]
        [section] = [b for b in blocks if "Whose voice is heard" in json.dumps(b)]
        return section["text"]["text"]

    before = voices()
    for voter, rating in ((DAVE, 5), (BOB, 2)):
        slack.click(voter, f"{ids.POLL_RATE}{rating}", message=poll_message(standin))
        bot.settle()
    after = voices()
    # The seeded anonymous poll had 2 ballots; this one had none, then 2: only the total moves.
    assert "Anonymous polls: 2 with 2 ballots" in before
    assert "Anonymous polls: 2 with 4 ballots" in after
    assert DAVE not in after
    assert after.replace("with 4 ballots", "with 2 ballots") == before
