"""The names the bot sees are kept for the exports people read: a slash command's sender,
channel and mentions, and the directory's name of a decider vetted with users.info."""

from __future__ import annotations

from app import ids
from app.db.models import KnownName
from app.domain import names
from tests.e2e.conftest import ALICE, BOB, CAROL, GENERAL
from tests.listeners.helpers import v


def book(slack):
    with slack.sessions() as session:
        return names.name_book(session, slack.standin.team_id)


def test_a_command_leaves_the_names_it_shows(slack, standin, errors_logged):
    assert slack.command(ALICE, GENERAL, "Pick the billing database <@U0BOB|bob>").status == 200
    known = book(slack)
    assert known.people == {ALICE: "alice", BOB: "bob"}
    assert known.channels == {GENERAL: standin.channel_name_in_payloads(GENERAL)}


def test_the_sender_of_an_anonymous_report_is_not_noted(slack, errors_logged):
    slack.command(CAROL, GENERAL, "feedback")
    assert CAROL not in book(slack).people


def test_a_decider_vetted_in_the_form_gets_the_directory_s_name(slack, standin, errors_logged):
    standin.add_user("U0DANA", "dana", real_name="Dana Scully", display_name="Dana S.")
    slack.command(ALICE, GENERAL, "")
    view = standin.latest_view(ALICE)
    values = {ids.TITLE: v("Adopt trunk-based development"), ids.DECIDER: v("U0DANA")}
    assert slack.submit(ALICE, view, values).status == 200
    assert book(slack).people["U0DANA"] == "Dana S."


def test_a_schedule_s_channel_check_leaves_the_directory_s_channel_name(
    slack, standin, errors_logged
):
    assert slack.command(ALICE, GENERAL, "checkin 9:30 weekdays").status == 200
    with slack.sessions() as session:
        row = session.get(KnownName, (standin.team_id, names.CHANNEL, GENERAL))
    assert (row.name, row.source) == (standin.channel_object(GENERAL)["name"], names.DIRECTORY)
