"""Expertise polls end to end: signed requests in, Web API calls out, rows in the database."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import ids
from app.db.models import Decision, ExpertisePoll, PollVote
from app.domain.export import iter_rows
from app.exporting import write_export
from app.jobs.polls import close_due_polls
from app.standin.payloads import block_actions
from app.vocabulary import Framework, PollStatus, Status
from tests.e2e.conftest import ALICE, BOB, CAROL, GENERAL, start_bot, stop_bot

DAVE, ERIN = "U0DAVE", "U0ERIN"


@pytest.fixture
def team(standin):
    standin.add_user(DAVE, "dave")
    standin.add_user(ERIN, "erin")


def messages(standin):
    return standin.messages(GENERAL)


def poll_message(standin):
    return next(m for m in messages(standin) if m["text"].startswith("Expertise poll"))


def card_message(standin):
    return next(m for m in messages(standin) if m["text"].startswith("Decision:"))


def blocks_text(message):
    return json.dumps(message["blocks"], ensure_ascii=False)


def start(bot, slack, standin, text="poll Pick the queue"):
    assert slack.command(ALICE, GENERAL, text).status == 200
    bot.settle()
    return poll_message(standin)


def rate(bot, slack, standin, user, n):
    slack.click(user, f"{ids.POLL_RATE}{n}", message=poll_message(standin))
    bot.settle()


def nominate(bot, slack, standin, user, nominee):
    slack.click(user, ids.POLL_NOMINATE, message=poll_message(standin), selected_user=nominee)
    bot.settle()


def one(bot, model):
    with bot.sessions() as session:
        return session.scalars(select(model)).one()


def test_poll_command_posts_card_and_poll_in_its_thread(bot, slack, standin, errors_logged):
    poll = start(bot, slack, standin, "poll Pick the queue --min 3")
    card = card_message(standin)
    assert poll["thread_ts"] == card["ts"]
    decision = one(bot, Decision)
    assert (decision.title, decision.decider_id, decision.status) == (
        "Pick the queue",
        None,
        Status.OPEN,
    )
    assert "0 responses so far" in blocks_text(poll)
    assert "at least 3 responses needed" in blocks_text(poll)
    assert ids.RUN_POLL in blocks_text(card)


def test_five_people_vote_it_closes_on_time_and_one_click_sets_the_decider(
    bot, slack, standin, clock, team, errors_logged
):
    start(bot, slack, standin, "poll Pick the queue --min 3")
    rate(bot, slack, standin, ALICE, 2)
    nominate(bot, slack, standin, ALICE, BOB)
    rate(bot, slack, standin, BOB, 4)
    rate(bot, slack, standin, CAROL, 3)
    nominate(bot, slack, standin, CAROL, BOB)
    rate(bot, slack, standin, DAVE, 5)
    nominate(bot, slack, standin, ERIN, CAROL)
    open_text = blocks_text(poll_message(standin))
    assert "5 responses so far" in open_text
    assert "self-rated" not in open_text and "score" not in open_text

    clock.advance(timedelta(hours=23, minutes=59))
    assert close_due_polls() == 0
    clock.advance(timedelta(minutes=1))
    assert close_due_polls() == 1
    assert close_due_polls() == 0
    result = blocks_text(poll_message(standin))
    # BOB: 2 nominations x 2.0 + 4/5 = 4.8; CAROL: 2.0 + 3/5 = 2.6; DAVE 1.0; ALICE 0.4
    assert result.index("<@U0BOB> · score 4.8") < result.index("<@U0CAROL> · score 2.6")
    assert "Defer to <@U0BOB>" in result
    assert "Make @bob the decider" in result

    slack.click(ALICE, ids.POLL_ADOPT, message=poll_message(standin))
    bot.settle()
    decision = one(bot, Decision)
    assert (decision.decider_id, decision.framework) == (BOB, Framework.EXPERTISE)
    assert "<@U0BOB>" in blocks_text(card_message(standin))
    assert "is now the decider" in blocks_text(poll_message(standin))
    out = io.StringIO()
    with bot.sessions() as session:
        write_export(iter_rows(session, ["T0001"]), "csv", out)
    header, row = out.getvalue().splitlines()[:2]
    assert dict(zip(header.split(","), row.split(","), strict=False))["framework"] == "expertise"
    assert f",{BOB}," in row


def test_changing_your_mind_and_a_double_click_each_leave_one_ballot(
    bot, slack, standin, errors_logged
):
    start(bot, slack, standin)
    rate(bot, slack, standin, BOB, 1)
    rate(bot, slack, standin, BOB, 4)
    payload = block_actions(
        standin,
        user=CAROL,
        action_id=f"{ids.POLL_RATE}3",
        api_app_id="A0001",
        message=poll_message(standin),
    )
    assert slack.interaction(payload).status == 200
    assert slack.interaction(payload).status == 200
    bot.settle()
    with bot.sessions() as session:
        ballots = dict(session.execute(select(PollVote.voter_key, PollVote.rating)).all())
    assert ballots == {BOB: 4, CAROL: 3}
    assert "2 responses so far" in blocks_text(poll_message(standin))


def test_only_the_opener_closes_early_and_later_votes_are_refused(
    bot, slack, standin, errors_logged
):
    start(bot, slack, standin)
    rate(bot, slack, standin, BOB, 4)
    slack.click(BOB, ids.POLL_CLOSE, message=poll_message(standin))
    bot.settle()
    assert "Only <@U0ALICE>" in standin.responses(BOB)[-1]["payload"]["text"]
    assert one(bot, ExpertisePoll).status is PollStatus.OPEN
    still_open = poll_message(standin)
    slack.click(ALICE, ids.POLL_CLOSE, message=still_open)
    bot.settle()
    assert one(bot, ExpertisePoll).status is PollStatus.CLOSED
    # One self-rating meets the default minimum of one response.
    assert "Defer to <@U0BOB>" in blocks_text(poll_message(standin))
    slack.click(CAROL, f"{ids.POLL_RATE}5", message=still_open)
    bot.settle()
    refusal = standin.responses(CAROL)[-1]["payload"]
    assert refusal["response_type"] == "ephemeral" and "poll has closed" in refusal["text"]
    with bot.sessions() as session:
        assert session.scalar(select(func.count()).select_from(PollVote)) == 1


def test_polls_on_a_decided_decision_are_refused(bot, slack, standin, errors_logged):
    slack.command(ALICE, GENERAL, "Pick the queue <@U0BOB|bob>")
    bot.settle()
    card = card_message(standin)
    with bot.sessions.begin() as session:
        session.scalars(select(Decision)).one().status = Status.DECIDED
    slack.click(CAROL, ids.RUN_POLL, message=card)
    bot.settle()
    assert "already decided" in standin.responses(CAROL)[-1]["payload"]["text"]
    assert standin.calls("views.open") == []


def test_card_button_opens_options_and_starts_an_anonymous_poll(
    bot, slack, standin, clock, errors_logged
):
    slack.command(ALICE, GENERAL, "Pick the queue <@U0BOB|bob>")
    bot.settle()
    slack.click(CAROL, ids.RUN_POLL, message=card_message(standin))
    bot.settle()
    view = standin.latest_view(CAROL)
    assert view["callback_id"] == ids.POLL_VIEW
    reply = slack.submit(CAROL, view, {ids.CLOSES: {ids.VALUE: "soon"}})
    assert ids.CLOSES in reply.json["errors"]
    values = {
        ids.CLOSES: {ids.VALUE: "tomorrow 10:00"},
        ids.MIN_RESPONSES: {ids.VALUE: "2"},
        ids.ANONYMOUS: {ids.VALUE: ["yes"]},
    }
    assert slack.submit(CAROL, view, values).body == ""
    bot.settle()
    poll = one(bot, ExpertisePoll)
    # CAROL's Slack time zone is Europe/Berlin: 10:00 there on 24 November is 09:00 UTC.
    assert poll.closes_at == clock.now().replace(day=24, hour=9)
    assert (poll.anonymous, poll.min_responses, poll.opened_by) == (True, 2, CAROL)
    assert poll_message(standin)["thread_ts"] == card_message(standin)["ts"]


def test_shortcut_starts_a_poll_in_the_messages_thread(bot, slack, standin, errors_logged):
    message = {"type": "message", "user": CAROL, "ts": "1700000000.000100", "text": "Kafka or SQS?"}
    slack.shortcut(ALICE, ids.POLL_ON_MESSAGE, message=message, channel=GENERAL)
    bot.settle()
    view = standin.latest_view(ALICE)
    assert slack.submit(ALICE, view, {ids.TOPIC: {ids.VALUE: "Kafka or SQS?"}}).body == ""
    bot.settle()
    assert one(bot, Decision).thread_ts == "1700000000.000100"
    assert card_message(standin)["thread_ts"] == "1700000000.000100"
    assert poll_message(standin)["thread_ts"] == "1700000000.000100"


def test_a_poll_where_the_bot_is_not_invited_explains_how(bot, slack, standin, errors_logged):
    standin.add_channel("C0SECRET", "secret", is_member=False)
    slack.command(ALICE, "C0SECRET", "poll Pick the queue")
    bot.settle()
    assert "/invite @Deference" in standin.responses(ALICE)[-1]["payload"]["text"]
    with bot.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ExpertisePoll)) == 0


def test_a_poll_due_while_the_bot_was_down_closes_once_on_start_up(
    bot, slack, standin, clock, database_url, errors_logged
):
    start(bot, slack, standin, "poll Pick the queue --closes 2h")
    rate(bot, slack, standin, BOB, 4)
    stop_bot(bot)
    clock.advance(timedelta(hours=3))
    updates_before = len(standin.calls("chat.update"))
    restarted = start_bot(standin, database_url, clock)
    try:
        assert len(standin.calls("chat.update")) == updates_before + 1
        assert "Defer to <@U0BOB>" in blocks_text(poll_message(standin))
        again = start_bot(standin, database_url, clock)
        stop_bot(again)
        assert len(standin.calls("chat.update")) == updates_before + 1
        with restarted.sessions() as session:
            poll = session.scalars(select(ExpertisePoll)).one()
            assert (poll.status, poll.closed_at) == (PollStatus.CLOSED, clock.now())
    finally:
        stop_bot(restarted)
