"""/decide end to end: signed requests in, Web API calls out, rows in the database."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from app import ids
from app.db.models import Decision, DecisionEvent
from app.vocabulary import Status
from tests.e2e.conftest import ALICE, BOB, CAROL, GENERAL, command_body

FORM = "application/x-www-form-urlencoded"


def card_of(standin, channel=GENERAL):
    [message] = standin.messages(channel)
    return message


def decisions_in(bot):
    with bot.sessions() as session:
        return list(session.scalars(select(Decision).order_by(Decision.id)))


def test_declare_with_mention_posts_a_card_naming_the_decider(bot, slack, standin, errors_logged):
    reply = slack.command(ALICE, GENERAL, "Pick the billing database <@U0BOB|bob>")
    assert reply.status == 200
    assert reply.elapsed < 3
    bot.settle()
    [post] = standin.calls("chat.postMessage")
    assert post.params["channel"] == GENERAL
    card = json.dumps(post.params["blocks"])
    assert "<@U0BOB>" in card and "Pick the billing database" in card
    assert "Opened by <@U0ALICE>" in card
    [decision] = decisions_in(bot)
    assert (decision.title, decision.decider_id, decision.created_by) == (
        "Pick the billing database",
        BOB,
        ALICE,
    )
    bot.settle()
    bot_row = decisions_in(bot)[0]
    assert bot_row.card_ts == card_of(standin)["ts"]
    assert bot_row.permalink and bot_row.permalink.startswith("https://acme.slack.com/archives/")


def test_the_same_command_delivered_twice_declares_once(bot, slack, standin, errors_logged):
    body = command_body(standin, ALICE, "Pick the queue <@U0BOB|bob>")
    assert slack.send_raw(body, FORM).status == 200
    assert slack.send_raw(body, FORM).status == 200
    bot.settle()
    assert len(decisions_in(bot)) == 1
    assert len(standin.calls("chat.postMessage")) == 1


def test_unknown_person_bot_and_leaver_are_refused_plainly(bot, slack, standin, errors_logged):
    expected = ["can't find that person", "is an app, not a person", "no longer in this workspace"]
    for n, user in enumerate(["U0NOBODY", "U0HELPER", "U0GONE"], start=1):
        assert slack.command(ALICE, GENERAL, f"Pick it <@{user}|x>").status == 200
        bot.settle()
        assert len(standin.responses(ALICE)) == n
    replies = [r["payload"] for r in standin.responses(ALICE)]
    assert all(r["response_type"] == "ephemeral" for r in replies)
    assert [says in r["text"] for says, r in zip(expected, replies, strict=True)] == [True] * 3
    assert decisions_in(bot) == []
    assert standin.calls("chat.postMessage") == []


def open_form(bot, slack, standin, text="", user=ALICE):
    assert slack.command(user, GENERAL, text).status == 200
    bot.settle()
    view = standin.latest_view(user)
    assert view["callback_id"] == ids.DECLARE_VIEW
    return view


def v(value):
    return {"value": value}


def test_decide_alone_opens_the_form_and_submitting_posts_the_card(
    bot, slack, standin, clock, errors_logged
):
    view = open_form(bot, slack, standin)
    deadline = int(clock.now().timestamp()) + 86400
    reply = slack.submit(
        ALICE,
        view,
        {
            ids.TITLE: v("Choose the on-call tool"),
            ids.DECIDER: v(BOB),
            ids.FRAMEWORK: v("expertise"),
            ids.APPROACH: v("tactical"),
            ids.ZONE: v("principle"),
            ids.REVERSIBLE: v("no"),
            ids.DEADLINE: v(deadline),
            ids.CONTEXT: v("PagerDuty or Opsgenie"),
        },
    )
    assert (reply.status, reply.body) == (200, "")
    bot.settle()
    [decision] = decisions_in(bot)
    assert (
        decision.title,
        decision.decider_id,
        decision.framework.value,
        decision.approach.value,
        decision.zone.value,
        decision.reversible,
    ) == ("Choose the on-call tool", BOB, "expertise", "tactical", "principle", False)
    assert int(decision.deadline.timestamp()) == deadline
    assert decision.context == "PagerDuty or Opsgenie"
    card, check = standin.messages(GENERAL)
    assert "*Framework*\\nexpertise" in json.dumps(card["blocks"])
    assert "*Zone*\\nprinciple" in json.dumps(card["blocks"])
    # Hard to undo: the thread is asked for a consensus check by default.
    assert check["thread_ts"] == card["ts"]
    assert check["text"] == f"Is everyone comfortable with <@{BOB}> having final say?"


def test_title_prefills_the_form(bot, slack, standin, errors_logged):
    view = open_form(bot, slack, standin, "Pick the billing database")
    title = next(b for b in view["blocks"] if b["block_id"] == ids.TITLE)
    assert title["element"]["initial_value"] == "Pick the billing database"


def test_invalid_form_input_comes_back_inline(bot, slack, standin, clock, errors_logged):
    view = open_form(bot, slack, standin)
    past = int(clock.now().timestamp()) - 60
    reply = slack.submit(ALICE, view, {ids.TITLE: v("  "), ids.DEADLINE: v(past)})
    assert reply.json["response_action"] == "errors"
    assert set(reply.json["errors"]) == {ids.TITLE, ids.DEADLINE}
    reply = slack.submit(ALICE, view, {ids.TITLE: v("x" * 201), ids.DECIDER: v("U0HELPER")})
    assert "200 characters" in reply.json["errors"][ids.TITLE]
    assert "is an app" in reply.json["errors"][ids.DECIDER]
    bot.settle()
    assert decisions_in(bot) == []


def test_the_same_form_submitted_twice_declares_once(bot, slack, standin, errors_logged):
    view = open_form(bot, slack, standin)
    values = {ids.TITLE: v("Adopt trunk-based development"), ids.DECIDER: v(CAROL)}
    assert slack.submit(ALICE, view, values).status == 200
    assert slack.submit(ALICE, view, values).status == 200
    bot.settle()
    assert len(decisions_in(bot)) == 1
    assert len(standin.calls("chat.postMessage")) == 1


def declared(bot, slack, standin, text="Pick the billing database <@U0BOB|bob>"):
    slack.command(ALICE, GENERAL, text)
    bot.settle()
    return card_of(standin)


def test_recording_the_resolution_decides_and_updates_the_card(bot, slack, standin, errors_logged):
    card = declared(bot, slack, standin)
    assert slack.click(BOB, ids.RECORD_RESOLUTION, message=card).status == 200
    bot.settle()
    modal = standin.latest_view(BOB)
    assert modal["callback_id"] == ids.RESOLVE_VIEW
    reply = slack.submit(
        BOB, modal, {ids.RESOLUTION: v("PostgreSQL 16"), ids.RATIONALE: v("We run it already")}
    )
    assert (reply.status, reply.body) == (200, "")
    bot.settle()
    [decision] = decisions_in(bot)
    assert decision.status is Status.DECIDED
    assert (decision.resolution, decision.rationale) == ("PostgreSQL 16", "We run it already")
    [update] = standin.calls("chat.update")
    assert update.params["ts"] == card["ts"]
    updated = json.dumps(card_of(standin)["blocks"])
    assert "PostgreSQL 16" in updated and ids.RECORD_RESOLUTION not in updated
    with bot.sessions() as session:
        kinds = list(session.scalars(select(DecisionEvent.kind).order_by(DecisionEvent.id)))
    assert kinds == ["opened", "decided"]


def test_resolution_submitted_twice_records_once(bot, slack, standin, errors_logged):
    card = declared(bot, slack, standin)
    slack.click(ALICE, ids.RECORD_RESOLUTION, message=card)
    bot.settle()
    modal = standin.latest_view(ALICE)
    values = {ids.RESOLUTION: v("Postgres")}
    assert slack.submit(ALICE, modal, values).body == ""
    assert slack.submit(ALICE, modal, values).body == ""
    bot.settle()
    with bot.sessions() as session:
        assert session.scalar(select(func.count()).where(DecisionEvent.kind == "decided")) == 1
    assert len(standin.calls("chat.update")) == 1


def test_the_same_click_delivered_twice_opens_one_modal(bot, slack, standin, errors_logged):
    from app.standin.payloads import block_actions

    card = declared(bot, slack, standin)
    payload = block_actions(
        standin, user=BOB, action_id=ids.RECORD_RESOLUTION, api_app_id="A0001", message=card
    )
    slack.interaction(payload)
    slack.interaction(payload)
    bot.settle()
    opened = [c for c in standin.calls("views.open") if c.ok]
    assert len(opened) == 1  # the second use of the same trigger_id is refused by Slack


def test_someone_else_is_politely_refused(bot, slack, standin, errors_logged):
    card = declared(bot, slack, standin)
    slack.click(CAROL, ids.RECORD_RESOLUTION, message=card)
    bot.settle()
    assert standin.calls("views.open") == []
    [refusal] = standin.responses(CAROL)
    assert refusal["payload"]["response_type"] == "ephemeral"
    assert "Only the decider or the person who opened" in refusal["payload"]["text"]
    assert decisions_in(bot)[0].status is Status.OPEN


def test_log_lists_matches_newest_first_with_links(bot, slack, standin, clock, errors_logged):
    from datetime import timedelta

    for title in ("Pick the billing database", "Billing provider", "Hiring plan"):
        slack.command(ALICE, GENERAL, f"{title} <@U0BOB|bob>")
        bot.settle()
        clock.advance(timedelta(minutes=5))
    slack.command(CAROL, GENERAL, "log billing")
    bot.settle()
    [answer] = standin.responses(CAROL)
    assert answer["payload"]["response_type"] == "ephemeral"
    text = json.dumps(answer["payload"]["blocks"])
    assert text.index("Billing provider") < text.index("Pick the billing database")
    assert "Hiring plan" not in text
    assert "https://acme.slack.com/archives/C0GENERAL/p" in text


def test_help_and_mistakes_answer_ephemerally_with_usage(bot, slack, standin, errors_logged):
    reply = slack.command(ALICE, GENERAL, "help")
    assert reply.json["response_type"] == "ephemeral"
    assert "/decide log [words]" in json.dumps(reply.json["blocks"])
    for text, says in [
        ("lgo", "Did you mean `/decide log`"),
        ("Pick <@U1|a> <@U2|b>", "Name one decider"),
        ("Pick it @bob", "couldn't tell who"),
    ]:
        reply = slack.command(ALICE, GENERAL, text)
        assert reply.status == 200 and reply.json["response_type"] == "ephemeral"
        assert says in reply.json["text"]
        shown = json.dumps(reply.json["blocks"])
        assert "`/decide help` lists every command" in shown  # one usage line, not all
        assert ("/decide log [words]" in shown) == (text == "lgo")


def test_card_in_a_channel_without_the_bot_explains_how_to_invite(
    bot, slack, standin, errors_logged
):
    standin.add_channel("C0SECRET", "secret", is_member=False)
    slack.command(ALICE, "C0SECRET", "Pick the billing database <@U0BOB|bob>")
    bot.settle()
    [answer] = standin.responses(ALICE)
    assert "/invite @Deference" in answer["payload"]["text"]
    assert "Nothing was saved" in answer["payload"]["text"]
    assert decisions_in(bot) == []


def test_decide_on_this_shortcut_posts_in_the_messages_thread(bot, slack, standin, errors_logged):
    message = {
        "type": "message",
        "user": CAROL,
        "ts": "1700000000.000100",
        "text": "Should we move &lt;billing&gt; to Postgres?\nIt is slow.",
    }
    slack.shortcut(ALICE, ids.DECIDE_ON_MESSAGE, message=message, channel=GENERAL)
    bot.settle()
    view = standin.latest_view(ALICE)
    title = next(b for b in view["blocks"] if b["block_id"] == ids.TITLE)
    assert title["element"]["initial_value"] == "Should we move <billing> to Postgres?"
    slack.submit(
        ALICE, view, {ids.TITLE: v("Should we move billing to Postgres?"), ids.DECIDER: v(BOB)}
    )
    bot.settle()
    [post] = standin.calls("chat.postMessage")
    assert post.params["thread_ts"] == "1700000000.000100"
    assert decisions_in(bot)[0].thread_ts == "1700000000.000100"


def test_a_resolution_can_cite_a_team_principle(bot, slack, standin, clock, errors_logged):
    from app.domain import charter

    with bot.sessions.begin() as session:
        found = charter.get_or_create(session, "T0001", clock.now())
        found.values = [
            {"name": "Ownership", "principles": ["Whoever is closest decides", "Say why"]},
            {"name": "Candour", "principles": ["Disagree early", "Write it down"]},
        ]
    card = declared(bot, slack, standin)
    slack.click(BOB, ids.RECORD_RESOLUTION, message=card)
    bot.settle()
    modal = standin.latest_view(BOB)
    picker = next(b for b in modal["blocks"] if b.get("block_id") == ids.PRINCIPLE)
    assert [o["text"]["text"] for o in picker["element"]["options"]][:2] == [
        "Ownership: Whoever is closest decides",
        "Ownership: Say why",
    ]
    slack.submit(BOB, modal, {ids.RESOLUTION: v("Postgres"), ids.PRINCIPLE: v("2.2")})
    bot.settle()
    [decision] = decisions_in(bot)
    assert (decision.status, decision.principle) == (Status.DECIDED, "Candour: Write it down")
    with bot.sessions() as session:
        [event] = session.scalars(select(DecisionEvent).where(DecisionEvent.kind == "decided"))
    assert event.detail["principle"] == "Candour: Write it down"
    assert event.detail["declared_principle"] is None


def test_the_form_records_a_pre_agreed_tiebreaker_and_the_card_shows_it(
    bot, slack, standin, errors_logged
):
    view = open_form(bot, slack, standin)
    slack.submit(
        ALICE,
        view,
        {ids.TITLE: v("Choose the vendor"), ids.DECIDER: v(BOB), ids.TIEBREAKER: v("steward")},
    )
    bot.settle()
    [decision] = decisions_in(bot)
    assert decision.tiebreaker.value == "steward"
    assert "*Tiebreaker*\\nThe steward" in json.dumps(card_of(standin)["blocks"])
