"""/decide where the bot cannot post: the advice fits the conversation it was run in."""

from __future__ import annotations

from sqlalchemy import select

from app.db.models import Decision
from tests.e2e.conftest import ALICE, BOB


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
