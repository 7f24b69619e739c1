"""The Events API surface, dispatched in-process: the Home tab and uninstalling."""

from __future__ import annotations

import json

from sqlalchemy import select

from app import ids
from app.db.models import ChannelSchedule
from tests.e2e.conftest import ALICE, BOB, GENERAL
from tests.listeners.helpers import declare


def test_opening_home_publishes_the_decisions_you_hold(slack, standin, errors_logged):
    declare(slack, "Pick the queue <@U0BOB|bob>")
    reply = slack.event({"type": "app_home_opened", "user": BOB, "channel": "D0BOB", "tab": "home"})
    assert reply.status == 200
    view = standin.home(BOB)
    assert view["type"] == "home"
    text = json.dumps(view["blocks"], ensure_ascii=False)
    assert "Decisions you hold" in text and "Pick the queue" in text
    assert ids.RECORD_RESOLUTION in text
    slack.event({"type": "app_home_opened", "user": BOB, "channel": "D0BOB", "tab": "messages"})
    assert len(standin.calls("views.publish")) == 1  # the Messages tab needs no drawing


def test_opening_home_again_copes_with_the_published_view_in_the_event(
    slack, standin, errors_logged, monkeypatch
):
    """Once a Home was published, Slack's app_home_opened carries it as `view`
    (api.slack.com/events/app_home_opened): the bot redraws it whole, without the hash."""
    opened = {"type": "app_home_opened", "user": BOB, "channel": "D0BOB", "tab": "home"}
    assert slack.event(opened).status == 200
    first = standin.home(BOB)
    declare(slack, "Pick the queue <@U0BOB|bob>")
    delivered: list[dict] = []
    send = slack.send_raw
    monkeypatch.setattr(
        slack,
        "send_raw",
        lambda body, *a, **kw: delivered.append(json.loads(body)) or send(body, *a, **kw),
    )
    assert slack.event(opened).status == 200
    assert delivered[0]["event"]["view"]["hash"] == first["hash"]
    first_call, second_call = standin.calls("views.publish")
    assert first_call.ok and second_call.ok and "hash" not in second_call.params
    again = standin.home(BOB)
    assert again["id"] == first["id"] and again["hash"] != first["hash"]
    assert "Pick the queue" in json.dumps(again["blocks"])


def test_uninstalling_disables_the_teams_schedules_once(slack, standin, errors_logged):
    assert slack.command(ALICE, GENERAL, "checkin 09:30 mon-fri Europe/Berlin").status == 200
    with slack.sessions() as session:
        [schedule] = session.scalars(select(ChannelSchedule))
    assert schedule.disabled_reason is None

    standin.uninstall(slack.team_id)  # Slack sends app_uninstalled only once it happened
    assert slack.event({"type": "app_uninstalled"}, event_id="Ev1").status == 200
    assert slack.event({"type": "app_uninstalled"}, event_id="Ev1", retry_num=1).status == 200
    with slack.sessions() as session:
        [schedule] = session.scalars(select(ChannelSchedule))
    assert schedule.disabled_reason == "uninstalled"
