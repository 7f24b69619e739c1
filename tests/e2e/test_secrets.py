"""Tokens and the signing secret never reach the logs, even at DEBUG."""

import logging

from app import ids
from tests.e2e.conftest import ALICE, BOB, BOT_TOKEN, GENERAL, SIGNING_SECRET


def test_secrets_stay_out_of_debug_logs(bot, slack, standin, caplog):
    caplog.set_level(logging.DEBUG)
    slack.command(ALICE, GENERAL, "Pick the billing database <@U0BOB|bob>")
    bot.settle()
    slack.click(BOB, ids.RECORD_RESOLUTION, message=slack.latest_message(GENERAL))
    bot.settle()
    slack.submit(BOB, standin.latest_view(BOB), {ids.RESOLUTION: {"value": "Postgres"}})
    bot.settle()
    slack.command(ALICE, GENERAL, "Pick it <@U0NOBODY|x>")  # an error path too
    bot.settle()
    assert standin.calls("chat.update"), "the flow ran"
    logged = caplog.text + repr(bot.runtime.settings) + str(bot.runtime.settings)
    assert BOT_TOKEN not in logged
    assert SIGNING_SECRET not in logged
