"""A decision's life through its surfaces, in-process: the card's menu and buttons, the forms,
`/decide edit|handoff|cancel|reopen|supersede`, and the Home tab's menu."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from app import ids
from app.db.models import DecisionEvent, ExpertisePoll
from app.vocabulary import PollStatus, Status, Zone
from tests.e2e.conftest import ALICE, BOB, CAROL, GENERAL
from tests.listeners.helpers import decisions_in, declare, v


def events(slack, kind):
    with slack.sessions() as session:
        return list(session.scalars(select(DecisionEvent).where(DecisionEvent.kind == kind)))


def card_of(standin, number=0):
    return standin.messages(GENERAL)[number]


def card_json(standin, number=0):
    return json.dumps(card_of(standin, number)["blocks"], ensure_ascii=False)


def choose(slack, user, verb, card):
    decision_id = decisions_in(slack)[0].id
    return slack.click(
        user, ids.LIFECYCLE_MENU, message=card, selected_option=f"{verb}:{decision_id}"
    )


def test_cancel_from_the_card_menu_strikes_it_through_with_the_reason(
    slack, standin, errors_logged
):
    card = declare(slack)
    assert choose(slack, ALICE, "cancel", card).status == 200
    view = standin.latest_view(ALICE)
    assert view["callback_id"] == ids.CANCEL_VIEW
    empty = slack.submit(ALICE, view, {ids.REASON: v("  ")})
    assert json.loads(empty.body)["errors"][ids.REASON] == "Say why it is withdrawn."
    assert slack.submit(ALICE, view, {ids.REASON: v("Duplicate of #3")}).status == 200
    [decision] = decisions_in(slack)
    assert decision.status is Status.CANCELLED
    shown = card_json(standin)
    assert "~*Pick the billing database*~" in shown
    assert f"Cancelled by <@{ALICE}>" in shown and "Duplicate of #3" in shown
    assert ids.REOPEN in shown and ids.RECORD_RESOLUTION not in shown
    slack.submit(ALICE, view, {ids.REASON: v("Duplicate of #3")})  # delivered twice
    assert len(events(slack, "cancelled")) == 1


def test_someone_else_choosing_cancel_is_told_why_and_gets_no_form(slack, standin, errors_logged):
    card = declare(slack)
    choose(slack, CAROL, "cancel", card)
    assert standin.calls("views.open") == []
    [refusal] = standin.responses(CAROL)
    assert "who opened it" in refusal["payload"]["text"]
    assert decisions_in(slack)[0].status is Status.OPEN


def test_an_admin_may_cancel_what_is_not_theirs(slack, standin, errors_logged):
    standin.add_user("U0ADMIN", "admin", is_admin=True)
    card = declare(slack)
    choose(slack, "U0ADMIN", "cancel", card)
    view = standin.latest_view("U0ADMIN")
    slack.submit("U0ADMIN", view, {ids.REASON: v("Opened by mistake")})
    assert decisions_in(slack)[0].status is Status.CANCELLED
    for told in (BOB, ALICE):  # the decider and the opener hear it: no silent takeover
        [dm] = standin.messages(told)
        assert "<@U0ADMIN> cancelled “Pick the billing database” (#" in dm["text"]
        assert dm["text"].endswith(": Opened by mistake")
    assert standin.messages("U0ADMIN") == []


def test_edit_form_is_prefilled_and_the_card_redrawn(slack, standin, clock, errors_logged):
    card = declare(slack)
    choose(slack, BOB, "edit", card)
    view = standin.latest_view(BOB)
    assert view["callback_id"] == ids.EDIT_VIEW
    title = next(b for b in view["blocks"] if b.get("block_id") == ids.TITLE)
    assert title["element"]["initial_value"] == "Pick the billing database"
    deadline = int((clock.now() + timedelta(days=2)).timestamp())
    reply = slack.submit(
        BOB,
        view,
        {
            ids.TITLE: v("Pick the ledger database"),
            ids.DEADLINE: v(deadline),
            ids.ZONE: v("principle"),
        },
    )
    assert reply.status == 200
    [decision] = decisions_in(slack)
    assert (decision.title, decision.zone) == ("Pick the ledger database", Zone.PRINCIPLE)
    shown = card_json(standin)
    assert "Pick the ledger database" in shown and f"Edited by <@{BOB}>" in shown
    [event] = events(slack, "edited")
    assert event.detail["title"]["before"] == "Pick the billing database"


def test_handoff_from_the_menu_tells_the_new_decider(slack, standin, errors_logged):
    card = declare(slack)
    choose(slack, BOB, "handoff", card)
    view = standin.latest_view(BOB)
    assert view["callback_id"] == ids.HANDOFF_VIEW
    slack.submit(BOB, view, {ids.NEW_DECIDER: v(CAROL), ids.REASON: v("Knows it")})
    [decision] = decisions_in(slack)
    assert (decision.decider_id, decision.deferred_by) == (CAROL, BOB)
    [dm] = standin.messages(CAROL)
    assert f"<@{BOB}> handed you" in dm["text"]
    assert f"<@{BOB}> handed it on to <@{CAROL}>" in card_json(standin)


def test_handoff_to_a_bot_is_refused_on_the_form(slack, standin, errors_logged):
    card = declare(slack)
    choose(slack, BOB, "handoff", card)
    view = standin.latest_view(BOB)
    reply = slack.submit(BOB, view, {ids.NEW_DECIDER: v("U0HELPER")})
    assert ids.NEW_DECIDER in json.loads(reply.body)["errors"]
    assert decisions_in(slack)[0].decider_id == BOB


def test_commands_cancel_reopen_and_refuse_strangers(slack, standin, errors_logged):
    declare(slack)
    number = decisions_in(slack)[0].id
    refused = slack.command(CAROL, GENERAL, f"cancel {number} mine now")
    assert "who opened it" in refused.body
    assert decisions_in(slack)[0].status is Status.OPEN
    assert slack.command(ALICE, GENERAL, f"cancel #{number} Duplicate").status == 200
    assert decisions_in(slack)[0].status is Status.CANCELLED
    assert slack.command(ALICE, GENERAL, f"reopen {number} Not a duplicate after all").status == 200
    decision = decisions_in(slack)[0]
    assert decision.status is Status.OPEN
    assert "Reopened by" in card_json(standin)
    missing = slack.command(ALICE, GENERAL, f"reopen {number}")
    assert "Say why" in missing.body


def test_reopen_a_decided_decision_from_its_card_keeps_the_resolution(
    slack, standin, errors_logged
):
    card = declare(slack)
    slack.click(BOB, ids.RECORD_RESOLUTION, message=card)
    slack.submit(BOB, standin.latest_view(BOB), {ids.RESOLUTION: v("MySQL")})
    assert decisions_in(slack)[0].status is Status.DECIDED
    slack.click(BOB, ids.REOPEN, message=card_of(standin))
    slack.submit(BOB, standin.latest_view(BOB), {ids.REASON: v("Load tripled")})
    decision = decisions_in(slack)[0]
    assert (decision.status, decision.resolution) == (Status.OPEN, None)
    [event] = events(slack, "reopened")
    assert (event.detail["resolution"], event.detail["reason"]) == ("MySQL", "Load tripled")
    assert ids.RECORD_RESOLUTION in card_json(standin)


def test_supersede_by_command_posts_a_new_card_and_links_both(slack, standin, errors_logged):
    card = declare(slack)
    slack.click(BOB, ids.RECORD_RESOLUTION, message=card)
    slack.submit(BOB, standin.latest_view(BOB), {ids.RESOLUTION: v("MySQL")})
    old_id = decisions_in(slack)[0].id
    reply = slack.command(BOB, GENERAL, f"supersede {old_id} Move billing to Postgres <@{CAROL}|c>")
    assert reply.status == 200
    old, new = decisions_in(slack)
    assert (old.status, old.superseded_by_id) == (Status.SUPERSEDED, new.id)
    assert (new.supersedes_id, new.decider_id) == (old.id, CAROL)
    assert old.superseded_by_link == new.permalink is not None
    assert f"Superseded by <{new.permalink}|#{new.id}>" in card_json(standin, 0)
    assert f"Supersedes <{old.permalink}|#{old.id}>" in card_json(standin, 1)
    [said] = [r for r in standin.responses(BOB) if "superseded by" in r["payload"]["text"]]
    assert said["payload"]["response_type"] == "ephemeral"


def test_supersede_from_the_card_button_opens_a_prefilled_form(slack, standin, errors_logged):
    card = declare(slack)
    slack.click(BOB, ids.RECORD_RESOLUTION, message=card)
    slack.submit(BOB, standin.latest_view(BOB), {ids.RESOLUTION: v("MySQL")})
    slack.click(ALICE, ids.SUPERSEDE, message=card_of(standin))
    view = standin.latest_view(ALICE)
    assert view["callback_id"] == ids.SUPERSEDE_VIEW
    offered = next(b for b in view["blocks"] if b.get("block_id") == ids.DECIDER)
    assert offered["element"]["initial_user"] == BOB  # the old decider, offered again
    # The stand-in returns only the values given (Slack would echo the initial ones too).
    values = {ids.TITLE: v("Pick it again"), ids.DECIDER: v(BOB), ids.REASON: v("Scale")}
    slack.submit(ALICE, view, values)
    old, new = decisions_in(slack)
    assert old.status is Status.SUPERSEDED and new.supersedes_id == old.id
    assert new.decider_id == BOB


def test_edit_command_opens_the_form_and_a_forged_number_finds_nothing(
    slack, standin, errors_logged
):
    declare(slack)
    number = decisions_in(slack)[0].id
    slack.command(ALICE, GENERAL, f"edit {number}")
    assert standin.latest_view(ALICE)["callback_id"] == ids.EDIT_VIEW
    reply = slack.command(ALICE, GENERAL, "cancel 999 gone")
    assert "does not exist" in reply.body


def test_a_title_starting_with_a_verb_still_declares(slack, standin, errors_logged):
    slack.command(ALICE, GENERAL, f"cancel the offsite <@{BOB}|bob>")
    assert decisions_in(slack)[0].title == "cancel the offsite"


def test_home_rows_offer_the_menu(slack, standin, errors_logged):
    declare(slack)
    slack.event({"type": "app_home_opened", "user": ALICE, "channel": "D0ALICE", "tab": "home"})
    number = decisions_in(slack)[0].id
    slack.click(
        ALICE, ids.LIFECYCLE_MENU, view=standin.home(ALICE), selected_option=f"cancel:{number}"
    )
    assert standin.latest_view(ALICE)["callback_id"] == ids.CANCEL_VIEW
    slack.submit(ALICE, standin.latest_view(ALICE), {ids.REASON: v("From Home")})
    assert decisions_in(slack)[0].status is Status.CANCELLED


def test_escalate_command_works_only_from_the_cards_channel(slack, standin, errors_logged):
    standin.add_channel("C0ELSE", "elsewhere", members=[CAROL])
    declare(slack)
    number = decisions_in(slack)[0].id
    refused = slack.command(CAROL, "C0ELSE", f"escalate {number} from afar")
    assert "can see" in refused.body
    assert decisions_in(slack)[0].status is Status.OPEN
    assert slack.command(CAROL, GENERAL, f"escalate {number} Touches customer data").status == 200
    decision = decisions_in(slack)[0]
    assert (decision.status, decision.zone) == (Status.ESCALATED, Zone.PRINCIPLE)
    [event] = events(slack, "escalated")
    assert (event.actor_id, event.detail["reason"]) == (CAROL, "Touches customer data")
    assert "*Zone*\\nprinciple" in card_json(standin)
    assert any("escalated" in m["text"] for m in standin.messages(BOB))  # the decider is told


def test_a_superseding_card_slack_refuses_leaves_the_old_decision_as_it_was(
    slack, standin, errors_logged
):
    card = declare(slack)
    slack.click(BOB, ids.RECORD_RESOLUTION, message=card)
    slack.submit(BOB, standin.latest_view(BOB), {ids.RESOLUTION: v("MySQL")})
    old_id = decisions_in(slack)[0].id
    standin.fail_next("chat.postMessage", status=200, error="is_archived")
    slack.command(BOB, GENERAL, f"supersede {old_id} Move billing to Postgres")
    [old] = decisions_in(slack)  # the new one was never seen, so it is not kept
    assert (old.status, old.superseded_by_id) == (Status.DECIDED, None)
    assert [e.kind for e in events(slack, "supersede_undone")] == ["supersede_undone"]
    assert "Superseded" not in card_json(standin)
    told = [r["payload"]["text"] for r in standin.responses(BOB)]
    assert any("Nothing was saved" in t for t in told), told


def test_a_direct_message_slack_refuses_does_not_turn_a_stored_change_into_an_error(
    slack, standin, errors_logged
):
    declare(slack)
    number = decisions_in(slack)[0].id
    standin.fail_next("chat.postMessage", status=200, error="cannot_dm_bot")  # Bob's notice
    reply = slack.command(ALICE, GENERAL, f"cancel {number} Nobody needs it now")
    assert reply.status == 200 and decisions_in(slack)[0].status is Status.CANCELLED
    assert "Cancelled #" in standin.responses(ALICE)[-1]["payload"]["text"]
    assert f"could not tell {BOB} of a change: cannot_dm_bot" in errors_logged.text


def test_cancelling_a_decision_closes_its_running_poll_and_says_why(slack, standin, errors_logged):
    assert slack.command(ALICE, GENERAL, "poll Pick the cache --anonymous").status == 200
    poll_message = standin.messages(GENERAL)[-1]
    assert poll_message["text"].startswith("Expertise poll")
    slack.click(CAROL, f"{ids.POLL_RATE}4", message=poll_message)
    number = decisions_in(slack)[0].id
    slack.command(ALICE, GENERAL, f"cancel {number} Not our call after all")
    with slack.sessions() as session:
        [poll] = session.scalars(select(ExpertisePoll)).all()
    assert poll.status is PollStatus.CLOSED
    redrawn = next(m for m in standin.messages(GENERAL) if m["ts"] == poll_message["ts"])
    assert "This expertise poll is closed" in redrawn["text"]
    assert "was cancelled" in redrawn["text"]
    assert "actions" not in json.dumps(redrawn["blocks"])  # nothing left to click
    late = slack.click(BOB, f"{ids.POLL_RATE}5", message=poll_message)  # an old copy
    assert late.status == 200
    with slack.sessions() as session:
        assert session.scalars(select(ExpertisePoll)).one().status is PollStatus.CLOSED
