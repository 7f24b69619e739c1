"""Malformed, truncated and mistyped payloads of every interaction kind, properly signed, through
the real HTTP server: never a 5xx, never an unhandled exception; a 4xx, a message, or a refusal
the log explains."""

from __future__ import annotations

import copy
import json
import logging
from urllib.parse import urlencode

import pytest

from app import ids
from app.standin.payloads import block_actions, event_callback, message_action, view_submission
from tests.e2e.conftest import ALICE, BOB, GENERAL, command_body
from tests.reliability.figures import Figure

FIGURE = Figure("Malformed, truncated and mistyped payloads of every kind")
FORM = "application/x-www-form-urlencoded"
BROKEN_VALUES = [None, "x", 7, [], {}, [1, 2], {"id": 5}]


@pytest.fixture(scope="module", autouse=True)
def _record_figures():
    yield
    FIGURE.write()


def originals(bot, slack, standin) -> dict[str, dict]:
    """One well-formed payload of each kind, taken from a real flow."""
    slack.command(ALICE, GENERAL, f"Pick the queue <@{BOB}|bob>")
    bot.settle()
    card = standin.messages(GENERAL)[-1]
    slack.click(BOB, ids.RECORD_RESOLUTION, message=card)
    bot.settle()
    view = standin.latest_view(BOB)
    app = "A0001"
    return {
        "block_actions": block_actions(
            standin, user=BOB, action_id=ids.RECORD_RESOLUTION, api_app_id=app, message=card
        ),
        "view_submission": view_submission(
            standin, user=BOB, view=view, values={ids.RESOLUTION: {"value": "x"}}, api_app_id=app
        ),
        "message_action": message_action(
            standin,
            user=ALICE,
            callback_id=ids.DECIDE_ON_MESSAGE,
            message=card,
            channel=GENERAL,
            api_app_id=app,
        ),
        "event_callback": event_callback(
            standin,
            event={"type": "app_home_opened", "user": ALICE, "tab": "home"},
            api_app_id=app,
        ),
    }


def variants(kind: str, payload: dict):
    """(name, mutated payload): each field the bot reads missing, or of every wrong type."""
    fields = {
        "block_actions": ["user", "team", "actions", "trigger_id", "container", "channel"],
        "view_submission": ["user", "team", "view"],
        "message_action": ["user", "team", "channel", "message", "trigger_id", "callback_id"],
        "event_callback": ["event", "team_id", "authorizations"],
    }[kind]
    for field in fields:
        for value in ["<missing>", *BROKEN_VALUES]:
            mutated = copy.deepcopy(payload)
            if value == "<missing>":
                mutated.pop(field, None)
            else:
                mutated[field] = value
            yield f"{kind}.{field}={value!r}", mutated
    nested = {
        "block_actions": [("actions", 0, "action_id", "no.such.action"), ("actions", 0, "value")],
        "view_submission": [("view", "callback_id", "no.such.view"), ("view", "state")],
        "message_action": [("message", "ts"), ("message", "text")],
        "event_callback": [("event", "type", "no_such_event"), ("event", "user")],
    }[kind]
    for path in nested:
        *keys, last = path if len(path) > 2 and isinstance(path[-1], str) else (*path, None)
        for value in [last] if last else BROKEN_VALUES:
            mutated = copy.deepcopy(payload)
            target = mutated
            for key in keys[:-1]:
                target = target[key]
            target[keys[-1]] = value
            yield f"{kind}.{'.'.join(map(str, keys))}={value!r}", mutated


def send(slack, kind: str, payload: dict | str):
    if kind == "event_callback":
        text = payload if isinstance(payload, str) else json.dumps(payload)
        return slack.send_raw(text, "application/json")
    text = payload if isinstance(payload, str) else json.dumps(payload)
    return slack.send_raw(urlencode({"payload": text}), FORM)


def test_malformed_payloads_never_crash_the_bot(bot, slack, standin, caplog):
    caplog.set_level(logging.INFO)
    cases: list[tuple[str, str, dict | str]] = []
    for kind, payload in originals(bot, slack, standin).items():
        cases += [(kind, name, mutated) for name, mutated in variants(kind, payload)]
        whole = json.dumps(payload)
        for cut in (1, len(whole) // 3, len(whole) // 2, len(whole) - 1):
            cases.append((kind, f"{kind} truncated at {cut}", whole[:cut]))
    caplog.clear()
    for kind, name, payload in cases:
        reply = send(slack, kind, payload)
        bot.settle()
        FIGURE.tried += 1
        assert reply.status < 500, (name, reply.status, reply.body)
        FIGURE.count(f"HTTP {reply.status}")
    for text in ("nope", ""):
        body = command_body(standin, ALICE, text).replace("%2Fdecide", "%2Fnope")
        reply = slack.send_raw(body, FORM)
        FIGURE.tried += 1
        assert 400 <= reply.status < 500, "an unknown command is refused"
        FIGURE.count(f"HTTP {reply.status}")
    for field, value in (("user_id", ""), ("channel_id", None), ("trigger_id", None)):
        body = command_body(standin, ALICE, "help")
        form = dict(p.split("=", 1) for p in body.split("&"))
        form.pop(field) if value is None else form.__setitem__(field, value)
        reply = slack.send_raw("&".join(f"{k}={v}" for k, v in form.items()), FORM)
        FIGURE.tried += 1
        assert reply.status < 500
        FIGURE.count(f"HTTP {reply.status}")
    bot.settle()
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], errors
    assert "Traceback" not in caplog.text
    FIGURE.count("unhandled exceptions logged", 0)
