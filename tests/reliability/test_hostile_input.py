"""Hostile /decide text and form input through the real HTTP server: always a clear answer,
never a 5xx, never an unhandled exception."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import ids
from tests.e2e.conftest import ALICE, GENERAL
from tests.reliability.figures import Figure, examples

NASTY = [
    "'; DROP TABLE decisions; --",
    "Robert'); DELETE FROM decision_events WHERE ('1'='1 <@U0BOB|bob>",
    "<!channel> deploy now <@U0BOB|bob>",
    "<https://evil.example|click here> <@U0BOB|bob>",
    '{"type": "section", "text": {"type": "mrkdwn", "text": "*pwned*"}}',
    "*bold* _it_ ~strike~ `code` ```block``` > quote <@U0BOB|bob>",
    "\u202eesrever\u202c right-to-left <@U0BOB|bob>",
    "مرحبا بالعالم اتخاذ القرار <@U0BOB|bob>",
    "zero\u200bwidth\ufeff joiner <@U0BOB|bob>",
    "🧑‍💻" * 60 + " <@U0BOB|bob>",
    "\x00\x01\x02\x1b[31mred\x7f <@U0BOB|bob>",
    "ask <@UNOBODY|ghost>",
    "ask <#CNOPE|nowhere>",
    "ask <!subteam^S0NOPE|@team>",
    "x" * 10_000,
    "y" * 10_000 + " <@U0BOB|bob>",
    "log " + "%" * 500,
    "log _ % \\ '",
    "&lt;script&gt;alert(1)&lt;/script&gt; <@U0BOB|bob>",
    "help " * 2000,
    "   \t\n  ",
    "<@U0BOB|bob>",
    "<@U0BOB|bob> <@U0ALICE|alice>",
]

command_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=300),
    st.text(max_size=200).map(lambda t: f"{t} <@U0BOB|bob>"),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1000, max_size=4000),
)


def answered(slack, standin, before: dict[str, int], reply) -> bool:
    """The caller heard back: in the ack itself, through response_url, a modal, or a card."""
    if reply.json and (reply.json.get("text") or reply.json.get("blocks")):
        return True
    after = snapshot(standin)
    return any(after[k] > before[k] for k in after)


def snapshot(standin) -> dict[str, int]:
    return {
        "responses": len(standin.responses(ALICE)),
        "views": len(standin.calls("views.open")),
        "cards": len(standin.calls("chat.postMessage")),
        "ephemerals": len(standin.ephemerals(ALICE)),
    }


def test_hostile_command_text(bot, slack, standin, errors_logged):
    figure = Figure("Hostile `/decide` text through the HTTP server")

    @settings(
        max_examples=examples(60),
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(text=command_text)
    def one(text: str) -> None:
        before = snapshot(standin)
        reply = slack.command(ALICE, GENERAL, text)
        bot.settle()
        figure.tried += 1
        figure.count(f"HTTP {reply.status // 100}xx")
        assert reply.status < 500, reply.body
        assert reply.status == 200, reply.body
        is_answered = answered(slack, standin, before, reply)
        figure.count("answered" if is_answered else "silent")
        assert is_answered, f"no answer to {text!r}"

    for text in NASTY:  # the named cases always run, whatever hypothesis draws
        one.hypothesis.inner_test(text=text)
    one()
    figure.count("unhandled exceptions logged", 0)
    figure.write()


form_text = st.one_of(st.text(max_size=300), st.sampled_from(NASTY))


def test_hostile_form_input(bot, slack, standin, errors_logged):
    figure = Figure("Hostile values in the declaration and resolution forms")
    slack.command(ALICE, GENERAL, "")
    bot.settle()
    form = standin.latest_view(ALICE)

    @settings(
        max_examples=examples(40),
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(title=form_text, context=st.one_of(form_text, st.just("c" * 10_000)))
    def one(title: str, context: str) -> None:
        reply = slack.submit(
            ALICE, form, {ids.TITLE: {"value": title}, ids.CONTEXT: {"value": context}}
        )
        bot.settle()
        figure.tried += 1
        figure.count(f"HTTP {reply.status // 100}xx")
        assert reply.status == 200, reply.body
        if reply.json and reply.json["response_action"] == "update":
            # A title like one already declared: the form comes back headed by the similar
            # decisions and asks to choose (app/listeners/views/decisions.py); nothing stored.
            assert reply.json["view"]["callback_id"] == form["callback_id"]
            figure.count("shown similar decisions first")
        elif reply.json:  # refused: inline errors naming a field of the form
            assert reply.json["response_action"] == "errors"
            assert set(reply.json["errors"]) <= {ids.TITLE, ids.CONTEXT, ids.DEADLINE}
            figure.count("refused inline")
        else:
            figure.count("accepted")

    one()
    cards = standin.calls("chat.postMessage")
    assert len(cards) <= 1, "one form is one decision, however often it is submitted"
    for card in cards:
        assert "<!channel>" not in json.dumps(card.params["blocks"])
    figure.write()
