"""What each `/decide Title @x` asks of Slack, through the real server: the decider looked up
once per few minutes (user_change refreshes it sooner), the card's permalink built, not asked
for, and that link opening the card in the stand-in, in a channel and in a thread."""

from __future__ import annotations

from app import ids
from tests.e2e.conftest import ALICE, BOB, CAROL, GENERAL
from tests.e2e.test_decide import decisions_in


def calls(standin, method):
    return len(standin.calls(method))


def test_a_second_command_asks_slack_only_to_post(bot, slack, standin, errors_logged):
    assert slack.command(ALICE, GENERAL, "Pick the queue <@U0BOB|bob>").status == 200
    bot.settle()
    before = {m: calls(standin, m) for m in ("users.info", "auth.test", "chat.postMessage")}
    assert slack.command(ALICE, GENERAL, "Pick the cache <@U0BOB|bob>").status == 200
    bot.settle()
    after = {m: calls(standin, m) for m in before}
    assert after == {**before, "chat.postMessage": before["chat.postMessage"] + 1}
    assert calls(standin, "chat.getPermalink") == 0
    for decision in decisions_in(bot):
        card = standin.resolve_permalink(decision.permalink)
        assert card is not None and card["ts"] == decision.card_ts


def test_user_change_reaches_the_next_command_at_once(bot, slack, standin, errors_logged):
    assert slack.command(ALICE, GENERAL, "Pick the queue <@U0BOB|bob>").status == 200
    bot.settle()
    standin.add_user(BOB, "bob", deleted=True)  # deactivated; Slack tells subscribed apps
    assert slack.user_change(BOB).status == 200
    looked_up = calls(standin, "users.info")
    assert slack.command(ALICE, GENERAL, "Pick the cache <@U0BOB|bob>").status == 200
    bot.settle()
    [refusal] = [r["payload"] for r in standin.responses(ALICE)]
    assert "no longer in this workspace" in refusal["text"]
    assert calls(standin, "users.info") == looked_up  # the event said so; nobody asked
    assert len(decisions_in(bot)) == 1


def test_a_card_in_a_thread_links_to_its_reply(bot, slack, standin, errors_logged):
    parent = {"type": "message", "user": CAROL, "ts": "1700000000.000100", "text": "Which DB?"}
    slack.shortcut(ALICE, ids.DECIDE_ON_MESSAGE, message=parent, channel=GENERAL)
    bot.settle()
    view = standin.latest_view(ALICE)
    slack.submit(ALICE, view, {ids.TITLE: {"value": "Which database"}, ids.DECIDER: {"value": BOB}})
    bot.settle()
    [decision] = decisions_in(bot)
    assert decision.permalink.endswith(f"?thread_ts=1700000000.000100&cid={GENERAL}")
    assert standin.resolve_permalink(decision.permalink)["ts"] == decision.card_ts
