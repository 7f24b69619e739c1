"""The charter end to end: shown, edited in its modal by an admin, and prefilling decisions."""

from __future__ import annotations

import json

from sqlalchemy import select

from app import ids
from app.db.models import Decision
from tests.e2e.conftest import ALICE, BOB, CAROL, GENERAL

ADMIN = "U0ADMIN"
NAME = ids.DOMAIN_FIELD.format(i=0, field="name")


def open_charter_modal(bot, slack, standin, user):
    assert slack.command(user, GENERAL, "charter").status == 200
    bot.settle()
    shown = standin.responses(user)[-1]["payload"]
    assert "Team charter" in shown["text"]
    message = {"channel": GENERAL, "ts": "1.000001", "blocks": shown["blocks"]}
    slack.click(user, ids.CHARTER_EDIT, message=message)
    bot.settle()


def test_an_admin_edits_the_charter_and_a_domain_prefills_the_decision(
    bot, slack, standin, errors_logged
):
    standin.add_user(ADMIN, "admin", is_admin=True)
    open_charter_modal(bot, slack, standin, ALICE)  # not an admin: refused, no modal
    assert standin.latest_view(ALICE) is None
    assert "Only workspace admins" in json.dumps(standin.responses(ALICE)[-1]["payload"])
    open_charter_modal(bot, slack, standin, ADMIN)
    view = standin.latest_view(ADMIN)
    reply = slack.submit(
        ADMIN,
        view,
        {
            NAME: {ids.VALUE: "design"},
            ids.DOMAIN_FIELD.format(i=0, field="person"): {ids.VALUE: BOB},
            ids.DOMAIN_FIELD.format(i=0, field="zone"): {ids.VALUE: "principle"},
            ids.CHARTER_CONTACT: {ids.VALUE: CAROL},
            ids.CHARTER_EDITORS: {ids.VALUE: "admins"},
        },
    )
    assert (reply.status, reply.body) == (200, "")
    bot.settle()
    assert slack.command(ALICE, GENERAL, "").status == 200
    bot.settle()
    form = standin.latest_view(ALICE)
    slack.submit(
        ALICE, form, {ids.TITLE: {ids.VALUE: "New logo"}, ids.DOMAIN: {ids.VALUE: "design"}}
    )
    bot.settle()
    with bot.sessions() as session:
        decision = session.scalars(select(Decision)).one()
    assert (decision.decider_id, decision.zone.value, decision.domain) == (
        BOB,
        "principle",
        "design",
    )
    card = json.dumps(standin.messages(GENERAL)[0]["blocks"])
    assert f"<@{BOB}> (per charter)" in card
