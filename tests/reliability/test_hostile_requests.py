"""Hostile requests to the real `deference-bot serve` process: unsigned bodies built to crash a
parser, invalid UTF-8, a huge body, and signed payloads of every wrong shape (generated). Each
gets a 4xx, never a 5xx; the server's output has no traceback and none of the bodies' text."""

from __future__ import annotations

import copy
import json
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import ids
from app.standin import Workspace
from app.standin.payloads import block_actions, view_submission
from tests.e2e.conftest import ALICE, BOB, GENERAL, SIGNING_SECRET
from tests.e2e.processes import cli_env, serve
from tests.reliability.figures import Figure, examples

FORM = "application/x-www-form-urlencoded"
MARKER = "HOSTILE-BODY-7f3a"  # in every hostile body: if it shows in the log, a body was logged


@pytest.fixture
def served(standin, database_url, tmp_path):
    process = serve(cli_env(standin, database_url), tmp_path / "serve.log")
    yield process
    process.stop()


def nested(depth: int) -> str:
    return '{"type": "block_actions", "x": ' + "[" * depth + f'"{MARKER}"' + "]" * depth + "}"


UNSIGNED = [
    ("deeply nested JSON", nested(100_000).encode(), "application/json"),
    ("deeply nested payload", urlencode({"payload": nested(50_000)}).encode(), FORM),
    ("invalid UTF-8", b'{"type": "' + MARKER.encode() + b'\xff\xfe\xc3("}', "application/json"),
    ("invalid UTF-8 form", b"payload=" + MARKER.encode() + b"%FF\xff\xc3", FORM),
    ("not JSON", f"{{{MARKER}".encode(), "application/json"),
]


def test_unsigned_hostile_bodies_are_refused_before_parsing(served, standin):
    figure = Figure("Unsigned hostile bodies to `serve`: refused before parsing")
    slack = Workspace(standin, bot_url=f"{served.url}/slack/events", signing_secret="wrong")
    for name, body, content_type in UNSIGNED:
        for signature in ("v0=" + "0" * 64, ""):
            reply = slack.send_raw(body, content_type, signature=signature)
            figure.tried += 1
            figure.count(f"HTTP {reply.status}")
            assert reply.status == 401, (name, reply.status, reply.body)
    signed = Workspace(standin, bot_url=f"{served.url}/slack/events", signing_secret=SIGNING_SECRET)
    for name, body, content_type in UNSIGNED:  # signed: they get past the door, then 400
        reply = signed.send_raw(body, content_type)
        figure.tried += 1
        figure.count(f"HTTP {reply.status} (signed)")
        assert reply.status == 400, (name, reply.status, reply.body)
    huge = urlencode({"payload": json.dumps({"type": "x", "v": MARKER * 200_000})})
    reply = signed.send_raw(huge, FORM)
    figure.tried += 1
    figure.count(f"HTTP {reply.status} (huge)")
    assert reply.status == 413
    assert signed.command(ALICE, GENERAL, "help").status == 200, "still serving"
    assert_log_clean(served.text(), figure)
    figure.write()


def assert_log_clean(log: str, figure: Figure) -> None:
    assert "Traceback" not in log, log[-3000:]
    assert MARKER not in log, "a hostile body was logged"
    assert " ERROR " not in log and "ERROR:" not in log, log[-3000:]
    figure.count("tracebacks in the server's output", 0)
    figure.count("log lines with body text", 0)


json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)


def paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a field inside a payload."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += paths(inner, (*prefix, index))
    return found


def mutate(payload: dict, path: tuple, replacement: Any) -> dict:
    mutated = copy.deepcopy(payload)
    target = mutated
    for key in path[:-1]:
        target = target[key]
    if replacement == "<missing>":
        target.pop(path[-1]) if isinstance(target, dict) else target.__setitem__(path[-1], None)
    else:
        target[path[-1]] = replacement
    mutated["note"] = MARKER
    return mutated


def test_signed_malformed_payloads_get_4xx(served, standin):
    figure = Figure("Signed payloads of every wrong shape to `serve`: 4xx, never 5xx")
    slack = Workspace(standin, bot_url=f"{served.url}/slack/events", signing_secret=SIGNING_SECRET)
    assert slack.command(ALICE, GENERAL, f"Pick the queue <@{BOB}|bob>").status == 200
    card = standin.wait_for("chat.postMessage")[0]
    message = {"ts": card.response["ts"], **card.params}
    click = block_actions(
        standin, user=BOB, action_id=ids.RECORD_RESOLUTION, api_app_id="A0001", message=message
    )
    assert slack.interaction(click).status == 200
    view = standin.wait_for("views.open")[0].response["view"]
    submission = view_submission(
        standin, user=BOB, view=view, values={ids.RESOLUTION: {"value": "x"}}, api_app_id="A0001"
    )
    named = [
        ("view without type", mutate(submission, ("view", "type"), "<missing>")),
        ("button value ²", mutate(click, ("actions", 0, "value"), "²")),
        ("button value ¹²", mutate(click, ("actions", 0, "value"), "¹²")),
        ("actions an object", mutate(click, ("actions",), {"0": {}})),
        ("user a number", mutate(submission, ("user",), 7)),
    ]

    def send(payload: dict) -> int:
        body = urlencode({"payload": json.dumps(payload)})
        return slack.send_raw(body, FORM).status

    for name, payload in named:
        status = send(payload)
        figure.tried += 1
        figure.count(f"HTTP {status}")
        assert 400 <= status < 500, (name, status)
    payloads = {"block_actions": click, "view_submission": submission}
    shapes = st.sampled_from(sorted(payloads)).flatmap(
        lambda kind: st.tuples(
            st.just(kind),
            st.sampled_from(paths(payloads[kind])),
            st.one_of(st.just("<missing>"), json_value),
        )
    )

    @settings(
        max_examples=examples(80),
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(shape=shapes)
    def one(shape: tuple[str, tuple, Any]) -> None:
        kind, path, replacement = shape
        status = send(mutate(payloads[kind], path, replacement))
        figure.tried += 1
        figure.count(f"HTTP {status // 100}xx")
        assert status < 500, (kind, path, replacement, status)

    one()
    assert_log_clean(served.text(), figure)
    figure.write()
