"""/decide where the bot cannot post: the advice fits the conversation it was run in."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app import ids
from app.db.models import Decision
from tests.e2e.conftest import ALICE, BOB, CAROL


def decisions_in(bot) -> list[Decision]:
    with bot.sessions() as session:
        return list(session.scalars(select(Decision)))


def test_in_a_dm_between_people_the_answer_does_not_suggest_an_invite(
    bot, slack, standin, errors_logged
):
    standin.add_conversation("D0ALICEBOB", "im", members=[ALICE, BOB])
    slack.command(ALICE, "D0ALICEBOB", "Pick the billing database <@U0BOB|bob>")
    bot.settle()
    [refused] = standin.calls("chat.postMessage")
    assert refused.response["error"] == "channel_not_found"
    [answer] = standin.responses(ALICE)
    text = answer["payload"]["text"]
    assert "direct message between people" in text and "/invite" not in text
    assert "Nothing was saved" in text
    assert decisions_in(bot) == []


def test_in_a_private_channel_without_the_bot_the_answer_is_to_invite_it(
    bot, slack, standin, errors_logged
):
    standin.add_channel("G0PRIVATE", "plans", is_member=False, private=True)
    slack.command(ALICE, "G0PRIVATE", "Pick the billing database <@U0BOB|bob>")
    bot.settle()
    [answer] = standin.responses(ALICE)
    assert "/invite @Deference" in answer["payload"]["text"]
    assert decisions_in(bot) == []


def test_in_the_dm_with_the_bot_the_card_posts(bot, slack, standin, errors_logged):
    dm = standin.dm_id(ALICE)
    slack.command(ALICE, dm, "Pick the billing database <@U0BOB|bob>")
    bot.settle()
    [post] = standin.calls("chat.postMessage")
    assert post.ok and post.response["channel"] == dm
    assert [d.channel_id for d in decisions_in(bot)] == [dm]


# -- every kind of conversation, for the command and both message shortcuts -----------------

GROUP_DM = "C0GROUPDM"  # group DMs can have C ids: only channel_name says what they are
QUIET = "C0QUIET"  # a public channel the bot has not joined
PRIVATE = "G0HIDDEN"


def conversations(standin) -> None:
    standin.add_conversation("D0ALICEBOB", "im", members=[ALICE, BOB])
    standin.add_conversation(GROUP_DM, "mpim", members=[ALICE, BOB, CAROL])
    standin.add_channel(QUIET, "quiet", is_member=False)
    standin.add_channel(PRIVATE, "hidden", is_member=False, private=True)


WHAT_HELPS = {
    "D0ALICEBOB": "direct message with me",
    GROUP_DM: "direct message with me",
    QUIET: "/invite @Deference",
    PRIVATE: "/invite @Deference",
}


def message_in(channel: str) -> dict:
    return {"type": "message", "user": BOB, "ts": "1700000000.000200", "text": "Which CI?"}


def answer_to(standin, user: str) -> str:
    [answer] = standin.responses(user)
    assert answer["payload"]["response_type"] == "ephemeral"
    return answer["payload"]["text"]


@pytest.mark.parametrize("channel", list(WHAT_HELPS))
def test_the_command_answers_with_what_would_let_the_card_post_there(
    bot, slack, standin, errors_logged, channel
):
    conversations(standin)
    slack.command(ALICE, channel, "Pick the CI provider <@U0BOB|bob>")
    bot.settle()
    text = answer_to(standin, ALICE)
    assert WHAT_HELPS[channel] in text and "Nothing was saved" in text
    if channel in ("D0ALICEBOB", GROUP_DM):
        assert "/invite" not in text
    assert decisions_in(bot) == []


@pytest.mark.parametrize("channel", list(WHAT_HELPS))
def test_decide_on_this_answers_through_the_shortcuts_response_url(
    bot, slack, standin, errors_logged, channel
):
    conversations(standin)
    slack.shortcut(ALICE, ids.DECIDE_ON_MESSAGE, message=message_in(channel), channel=channel)
    bot.settle()
    view = standin.latest_view(ALICE)
    slack.submit(ALICE, view, {ids.TITLE: {"value": "Which CI?"}, ids.DECIDER: {"value": BOB}})
    bot.settle()
    text = answer_to(standin, ALICE)
    assert WHAT_HELPS[channel] in text
    if channel in ("D0ALICEBOB", GROUP_DM):
        assert "/invite" not in text
    assert decisions_in(bot) == []


@pytest.mark.parametrize("channel", [GROUP_DM, QUIET])
def test_run_expertise_poll_answers_through_the_shortcuts_response_url(
    bot, slack, standin, errors_logged, channel
):
    conversations(standin)
    slack.shortcut(ALICE, ids.POLL_ON_MESSAGE, message=message_in(channel), channel=channel)
    bot.settle()
    view = standin.latest_view(ALICE)
    assert view["callback_id"] == ids.POLL_VIEW
    slack.submit(ALICE, view, {ids.TOPIC: {"value": "Which CI?"}})
    bot.settle()
    text = answer_to(standin, ALICE)
    assert WHAT_HELPS[channel] in text
    assert decisions_in(bot) == []


def test_the_log_answers_in_a_group_dm_without_the_bot(bot, slack, standin, errors_logged):
    conversations(standin)
    slack.command(ALICE, GROUP_DM, "log")
    bot.settle()
    [answer] = standin.responses(ALICE)
    assert answer["payload"]["response_type"] == "ephemeral"
    assert standin.calls("chat.postMessage") == []


@pytest.mark.parametrize("callback_id", [ids.DECIDE_ON_MESSAGE, ids.POLL_ON_MESSAGE])
def test_both_shortcuts_in_the_dm_with_the_bot_post_in_the_messages_thread(
    bot, slack, standin, errors_logged, callback_id
):
    dm = standin.dm_id(ALICE)
    slack.shortcut(ALICE, callback_id, message=message_in(dm), channel=dm)
    bot.settle()
    view = standin.latest_view(ALICE)
    values = (
        {ids.TITLE: {"value": "Which CI?"}, ids.DECIDER: {"value": BOB}}
        if callback_id == ids.DECIDE_ON_MESSAGE
        else {ids.TOPIC: {"value": "Which CI?"}}
    )
    slack.submit(ALICE, view, values)
    bot.settle()
    posts = [c for c in standin.calls("chat.postMessage") if c.ok]
    assert posts and all(p.params["thread_ts"] == "1700000000.000200" for p in posts)
    assert [d.channel_id for d in decisions_in(bot)] == [dm]
