"""What Slack sees acknowledged is already stored: the HTTP answer to a command, a form or a
click comes only after its effect is committed (slow Slack calls come after). Each test holds
the first Slack call the listener makes after its ack, and reads the database the moment the
answer arrives."""

from __future__ import annotations

from sqlalchemy import select

from app import ids
from app.db.models import Decision, ExpertisePoll, PollVote
from tests.e2e.conftest import ALICE, BOB, GENERAL


def decisions_stored(bot) -> list[Decision]:
    with bot.sessions() as session:
        return list(session.scalars(select(Decision)))


def test_a_declaration_is_stored_before_the_ack_and_vetted_after(bot, slack, standin):
    standin.fail_next("users.info", hang=2)  # the vetting after the ack, held
    reply = slack.command(ALICE, GENERAL, f"Pick the queue <@{BOB}|bob>")
    assert reply.status == 200 and not reply.body.strip()
    [decision] = decisions_stored(bot)  # read while the listener still waits on users.info
    assert (decision.title, decision.card_ts) == ("Pick the queue", None)
    bot.runtime.settle(timeout=30)
    [decision] = decisions_stored(bot)
    assert decision.card_ts == standin.messages(GENERAL)[-1]["ts"]


def test_a_decider_found_invalid_after_the_ack_is_discarded_and_the_person_told(
    bot, slack, standin
):
    reply = slack.command(ALICE, GENERAL, "Pick the queue <@U0HELPER|helperbot>")
    assert reply.status == 200
    bot.settle()
    assert decisions_stored(bot) == []
    assert standin.messages(GENERAL) == []
    [told] = standin.responses(ALICE)
    assert "is an app, not a person" in told["payload"]["text"]


def test_a_poll_command_stores_its_decision_and_poll_before_the_ack(bot, slack, standin):
    standin.fail_next("chat.postMessage", hang=2)  # the card after the ack, held
    reply = slack.command(ALICE, GENERAL, "poll Pick the cache --closes 2h")
    assert reply.status == 200 and not reply.body.strip()
    [decision] = decisions_stored(bot)
    with bot.sessions() as session:
        [poll] = session.scalars(select(ExpertisePoll)).all()
    assert poll.decision_id == decision.id and poll.message_ts is None


def test_a_ballot_is_stored_before_the_click_is_acknowledged(bot, slack, standin):
    slack.command(ALICE, GENERAL, "poll Pick the cache --closes 2h")
    bot.settle()
    message = next(m for m in standin.messages(GENERAL) if m["text"].startswith("Expertise"))
    standin.fail_next("chat.update", hang=2)  # the redraw after the ack, held
    reply = slack.click(BOB, f"{ids.POLL_RATE}4", message=message)
    assert reply.status == 200
    with bot.sessions() as session:
        assert len(session.scalars(select(PollVote)).all()) == 1
