"""The charter canvas in-process: naming a steward, or values saved in their form, rewrite the
canvas's part in the same request; a canvas Slack lost is logged, and the change stands."""

from __future__ import annotations

import json

from app import ids
from app.blocks.canvas import LEADS, VALUES
from tests.e2e.conftest import ALICE, BOB, GENERAL

ADMIN = "U0ADMIN"


def part(standin, heading):
    canvas = standin.canvas(standin.channel_canvas(GENERAL))
    [section] = [s for s in canvas["sections"] if s["heading"] == heading]
    return section["markdown"]


def test_steward_and_values_changes_reach_the_canvas(slack, standin, errors_logged):
    standin.add_user(ADMIN, "admin", is_admin=True)
    assert slack.command(ADMIN, GENERAL, "charter canvas").status == 200
    assert "Steward: nobody yet" in part(standin, LEADS)
    assert slack.command(ADMIN, GENERAL, f"steward <@{BOB}|bob>").status == 200
    assert f"Steward: ![](@{BOB})" in part(standin, LEADS)

    assert slack.command(ADMIN, GENERAL, "values").status == 200
    form = standin.latest_view(ADMIN)
    field = ids.VALUE_FIELD.format
    values = {
        field(i=0, field="name"): {ids.VALUE: "Ownership"},
        field(i=0, field="principles"): {ids.VALUE: "Whoever is closest decides\nSay why"},
        field(i=1, field="name"): {ids.VALUE: "Candour"},
        field(i=1, field="principles"): {ids.VALUE: "Disagree early\nWrite it down"},
        field(i=2, field="name"): {ids.VALUE: "Pace"},
        field(i=2, field="principles"): {ids.VALUE: "Reversible is fast\nIrreversible is slow"},
    }
    reply = slack.submit(ADMIN, form, values)
    assert (reply.status, reply.body) == (200, ""), reply.body
    shown = part(standin, VALUES)
    assert "- **Ownership**\n  - Whoever is closest decides\n  - Say why" in shown


def test_a_canvas_slack_lost_is_skipped_and_the_change_stands(slack, standin, caplog):
    standin.add_user(ADMIN, "admin", is_admin=True)
    slack.command(ADMIN, GENERAL, "charter canvas")
    standin.fail_next("canvases.sections.lookup", status=200, error="canvas_deleted")
    assert slack.command(ADMIN, GENERAL, f"steward <@{ALICE}|alice>").status == 200
    assert "is now the steward" in json.dumps(standin.responses(ADMIN)[-1]["payload"])
    assert any("not updated: canvas_deleted" in r.getMessage() for r in caplog.records)
