"""Workflow Builder custom steps on the real serve process: each step run through a
`function_executed` event against the stand-in completes with the documented outputs, fails
readably on bad input or a missing permission, and completes exactly once however often Slack
delivers the event."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import func, select

from app import ids
from app.db.models import Decision
from app.domain import charter as charters
from app.domain import outcomes
from app.standin.workspace import Workspace
from app.vocabulary import Status, Zone
from tests.e2e.conftest import ALICE, BOB, CAROL, GENERAL, SIGNING_SECRET

FIND, OPEN, OUTCOME = ids.FIND_WHO_DECIDES_STEP, ids.OPEN_DECISION_STEP, ids.RECORD_OUTCOME_STEP


def finished(bot, standin, run):
    assert [r.status for r in run.replies] == [200] * len(run.replies)
    bot.settle()
    return standin.wait_until_done(run.execution_id)


def test_find_who_decides_answers_from_the_charter(bot, slack, standin, clock, errors_logged):
    with bot.sessions.begin() as session:
        charters.save(
            session,
            team_id="T0001",
            edit=charters.CharterEdit(
                domains=(charters.DomainSpec("design", BOB, zone=Zone.PRINCIPLE),),
                escalation_contact=None,
                editors="admins",
                editor_ids=(),
                formal_leads=(),
            ),
            base_version=0,
            actor_id=ALICE,
            now=clock.now(),
        )
    done = finished(bot, standin, slack.step(FIND, {"domain": "Design"}))
    assert done["state"] == "completed"
    assert done["outputs"]["decider"] == BOB
    assert (done["outputs"]["source"], done["outputs"]["zone"]) == ("charter_default", "principle")
    assert f"<@{BOB}>" in done["outputs"]["note"]

    unknown = finished(bot, standin, slack.step(FIND, {"domain": "hiring", "channel": GENERAL}))
    assert unknown["state"] == "completed"  # an answer, not a failure
    assert unknown["outputs"]["source"] == "none" and "decider" not in unknown["outputs"]
    assert "no domain “hiring”" in unknown["outputs"]["note"]
    assert "design" in unknown["outputs"]["note"]


def test_open_a_decision_posts_the_card_as_the_person_running_the_workflow(
    bot, slack, standin, clock, errors_logged
):
    deadline = int((clock.now() + timedelta(days=2)).timestamp())
    run = slack.step(
        OPEN,
        {
            "title": "Pick the queue",
            "channel": GENERAL,
            "decider": BOB,
            "deadline": deadline,
            "opener": ALICE,
        },
    )
    done = finished(bot, standin, run)
    assert done["state"] == "completed", done
    with bot.sessions() as session:
        decision = session.scalars(select(Decision)).one()
    assert (decision.created_by, decision.decider_id, decision.title) == (
        ALICE,
        BOB,
        "Pick the queue",
    )
    assert done["outputs"] == {"number": decision.id, "link": decision.permalink}
    assert decision.permalink.startswith("https://acme.slack.com/archives/")
    [card] = standin.messages(GENERAL)
    assert card["metadata"]["event_type"] == "decision_opened"
    assert card["metadata"]["event_payload"]["deadline"].endswith("Z")
    # The card went out with the run's own token, which stops working once the run is over.
    [post] = standin.calls("chat.postMessage")
    assert post.token.startswith("xwfp-")
    after = WebClient(token=post.token, base_url=standin.api_url)
    with pytest.raises(SlackApiError) as refused:
        after.auth_test()
    assert refused.value.response["error"] == "token_expired"


def test_open_a_decision_fails_readably_on_bad_input(bot, slack, standin, clock, errors_logged):
    past = int((clock.now() - timedelta(hours=1)).timestamp())
    cases = [
        ({"title": "x" * 201}, "Keep the title to 200 characters"),
        ({"title": "Ok", "deadline": past}, "Deadline input is in the past"),
        ({"title": "Ok", "decider": "U0HELPER"}, "is an app, not a person"),
        ({"title": "Ok", "channel": "C0NOWHERE"}, ""),
    ]
    standin.add_channel("C0QUIET", "quiet", is_member=False)
    cases.append(({"title": "Ok", "channel": "C0QUIET"}, "/invite"))
    standin.add_channel("C0BOBS", "bobs-room", private=True, members=[BOB])
    cases.append(({"title": "Ok", "channel": "C0BOBS"}, f"<@{ALICE}> is not in <#C0BOBS>"))
    for extra, words in cases:
        inputs = {"channel": GENERAL, "opener": ALICE} | extra
        done = finished(bot, standin, slack.step(OPEN, inputs))
        assert done["state"] == "failed", (extra, done)
        assert done["error"].startswith("Open a decision: ")
        assert words in done["error"]
    with bot.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Decision)) == 0


def decided_decision(bot, slack, standin) -> int:
    done = finished(
        bot,
        standin,
        slack.step(OPEN, {"title": "Pick the queue", "channel": GENERAL, "opener": ALICE}),
    )
    with bot.sessions.begin() as session:
        decision = session.get(Decision, done["outputs"]["number"])
        decision.status, decision.decider_id = Status.DECIDED, BOB
    return done["outputs"]["number"]


def test_record_an_outcome_as_the_decider_and_refuse_anyone_else(
    bot, slack, standin, errors_logged
):
    number = decided_decision(bot, slack, standin)
    refused = finished(
        bot,
        standin,
        slack.step(OUTCOME, {"number": number, "outcome": "worked", "reviewer": CAROL}),
    )
    assert refused["state"] == "failed"
    assert refused["error"].startswith("Record an outcome: Only ")
    assert f"<@{BOB}>" in refused["error"]
    missing = finished(
        bot, standin, slack.step(OUTCOME, {"number": 999, "outcome": "worked", "reviewer": BOB})
    )
    assert "does not exist" in missing["error"]
    wrong = finished(
        bot, standin, slack.step(OUTCOME, {"number": number, "outcome": "great", "reviewer": BOB})
    )
    assert "worked, mixed, did_not_work or too_early" in wrong["error"]
    done = finished(
        bot,
        standin,
        slack.step(
            OUTCOME,
            {"number": number, "outcome": "did not work", "note": "Too slow", "reviewer": BOB},
        ),
    )
    assert done["state"] == "completed"
    assert done["outputs"] == {"number": number, "outcome": "did_not_work"}
    with bot.sessions() as session:
        decision = session.get(Decision, number)
        assert (decision.outcome, decision.outcome_note) == ("did_not_work", "Too slow")
    assert "did_not_work" in outcomes.OUTCOMES


def test_each_step_completes_exactly_once_under_concurrent_redelivery(
    bot, slack, standin, errors_logged
):
    runs = [
        slack.step(
            OPEN, {"title": "Pick the queue", "channel": GENERAL, "opener": ALICE}, send=False
        ),
        slack.step(FIND, {"domain": "design"}, send=False),
    ]
    for run in runs:
        threads = [threading.Thread(target=slack.redeliver, args=(run, n)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        done = finished(bot, standin, run)
        assert len(run.replies) == 4
        assert [c["state"] for c in done["completions"]] == [done["state"]]
    assert len(standin.messages(GENERAL)) == 1
    with bot.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Decision)) == 1
    # A late redelivery after the run ended changes nothing and completes nothing again.
    slack.redeliver(runs[0], 3)
    bot.settle()
    assert len(standin.execution(runs[0].execution_id)["completions"]) == 1


def test_a_forged_step_event_is_refused(bot, slack, standin):
    run = slack.step(FIND, {"domain": "design"}, send=False)
    forger = Workspace(standin, bot_url=bot.url, signing_secret=SIGNING_SECRET + "x")
    assert forger.send_raw(run.body, "application/json").status == 401
    bot.settle()
    assert standin.execution(run.execution_id)["state"] == "running"


def test_a_decision_like_one_the_team_has_is_named_not_opened_unless_asked(
    bot, slack, standin, errors_logged
):
    inputs = {"title": "Pick the billing database", "channel": GENERAL, "opener": ALICE}
    first = finished(bot, standin, slack.step(OPEN, inputs))
    number, link = first["outputs"]["number"], first["outputs"]["link"]
    twin = finished(bot, standin, slack.step(OPEN, inputs | {"title": "Billing database pick"}))
    assert twin["state"] == "failed"
    assert f"#{number} “Pick the billing database” (still open) {link}" in twin["error"]
    assert "“Open even if similar”" in twin["error"]
    anyway = inputs | {"title": "Billing database pick", "open_anyway": True}
    assert finished(bot, standin, slack.step(OPEN, anyway))["state"] == "completed"
    with bot.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Decision)) == 2
