"""A decider's forecast, end to end: stated in the resolution form, private to them, shown on
the card only when they share it, and scored once the outcome is reviewed."""

from __future__ import annotations

import json

from app import ids
from tests.e2e.conftest import BOB, CAROL, GENERAL
from tests.e2e.test_decide import card_of, decisions_in, declared, v


def resolve_with_forecast(bot, slack, standin, values):
    card = declared(bot, slack, standin)
    slack.click(BOB, ids.RECORD_RESOLUTION, message=card)
    bot.settle()
    modal = standin.latest_view(BOB)
    reply = slack.submit(BOB, modal, {ids.RESOLUTION: v("PostgreSQL 16"), **values})
    bot.settle()
    return reply


def card_text(standin) -> str:
    return json.dumps(card_of(standin)["blocks"], ensure_ascii=False)


def test_a_forecast_stays_private_until_its_author_shares_it(bot, slack, standin, errors_logged):
    reply = resolve_with_forecast(
        bot,
        slack,
        standin,
        {ids.FORECAST: v("Migrated by March"), ids.FORECAST_CONFIDENCE: v("80")},
    )
    assert (reply.status, reply.body) == (200, "")
    [decision] = decisions_in(bot)
    assert (decision.forecast, decision.forecast_confidence) == ("Migrated by March", 80)
    assert (decision.forecast_by, decision.forecast_shared) == (BOB, False)
    assert "Migrated by March" not in card_text(standin)
    # Nothing in the channel, nor anyone else's view, carries it: only Bob's private note.
    everything_public = json.dumps(standin.messages(GENERAL)) + json.dumps(
        standin.ephemerals(CAROL)
    )
    assert "Migrated by March" not in everything_public
    [note] = [e for e in standin.ephemerals(BOB) if ids.SHARE_FORECAST in json.dumps(e)]
    note = {**note, "ts": note["message_ts"]}  # clicked as the message it is
    assert "Migrated by March" in json.dumps(note["blocks"])

    # Carol forges a click on Bob's note: refused, nothing shared.
    slack.click(CAROL, ids.SHARE_FORECAST, message=note)
    bot.settle()
    assert "Migrated by March" not in card_text(standin)
    assert decisions_in(bot)[0].forecast_shared is False

    slack.click(BOB, ids.SHARE_FORECAST, message=note)
    bot.settle()
    assert decisions_in(bot)[0].forecast_shared is True
    text = card_text(standin)
    assert "Forecast: <@U0BOB> expected “Migrated by March”, 80% confident" in text


def test_a_forecast_shared_from_the_form_goes_on_the_card(bot, slack, standin, errors_logged):
    resolve_with_forecast(
        bot,
        slack,
        standin,
        {ids.FORECAST_CONFIDENCE: v("95"), ids.FORECAST_SHARE: {ids.VALUE: ["yes"]}},
    )
    assert "Forecast: <@U0BOB> expected it to work out, 95% confident" in card_text(standin)
    assert not [e for e in standin.ephemerals(BOB) if ids.SHARE_FORECAST in json.dumps(e)]


def test_a_forecast_without_a_confidence_is_refused_in_the_form(bot, slack, standin, errors_logged):
    reply = resolve_with_forecast(bot, slack, standin, {ids.FORECAST: v("Done soon")})
    assert reply.json["response_action"] == "errors"
    assert ids.FORECAST_CONFIDENCE in reply.json["errors"]
    assert decisions_in(bot)[0].forecast is None
