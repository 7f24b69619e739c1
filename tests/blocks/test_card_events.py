"""Every card's message metadata: one event type per status, the payload the README documents."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from app.blocks.card_events import PAYLOAD_KEYS, card_metadata
from app.db.models import Decision
from app.standin.metadata import metadata_error
from app.vocabulary import CARD_EVENTS, Status, Zone

README = Path(__file__).resolve().parents[2] / "README.md"


def _table(marker: str) -> list[list[str]]:
    text = README.read_text()
    body = text.split(f"<!-- card events: {marker} -->", 1)[1].split("<!-- card events: end", 1)[0]
    rows = [line for line in body.strip().splitlines() if line.startswith("|")][2:]
    return [[cell.strip().strip("`") for cell in row.strip("|").split("|")] for row in rows]


def decision(**changes) -> Decision:
    fields = dict(
        id=42,
        team_id="T1",
        title="<!channel> Pick the queue",
        channel_id="C1",
        status=Status.OPEN,
        zone=Zone.PRINCIPLE,
        decider_id=None,
        deadline=None,
        created_by="U1",
    )
    return Decision(**(fields | changes))


def test_every_status_has_its_event_type_and_the_readme_lists_them():
    assert set(CARD_EVENTS) == set(Status)
    assert {row[0]: row[1] for row in _table("event types")} == {
        status.value: event for status, event in CARD_EVENTS.items()
    }


def test_the_readme_documents_exactly_the_payload_keys():
    assert tuple(row[0] for row in _table("payload")) == PAYLOAD_KEYS


def test_an_open_decision_without_decider_or_deadline_leaves_them_out():
    metadata = card_metadata(decision()).to_dict()
    assert metadata == {
        "event_type": "decision_opened",
        "event_payload": {
            "number": 42,
            "title": "<!channel> Pick the queue",  # data for programs: as typed
            "status": "open",
            "zone": "principle",
        },
    }
    assert metadata_error(metadata) is None  # what Slack accepts


def test_a_decided_decision_names_its_decider_and_deadline_in_utc():
    deadline = datetime(2027, 3, 1, 17, 0, tzinfo=UTC)
    metadata = card_metadata(
        decision(status=Status.DECIDED, decider_id="U2", deadline=deadline)
    ).to_dict()
    assert metadata["event_type"] == "decision_decided"
    assert metadata["event_payload"]["decider"] == "U2"
    assert metadata["event_payload"]["deadline"] == "2027-03-01T17:00:00Z"
    assert re.fullmatch(r"[a-z_]+", metadata["event_type"])


def test_every_status_makes_metadata_slack_accepts():
    for status in Status:
        assert metadata_error(card_metadata(decision(status=status)).to_dict()) is None


def test_the_standin_refuses_what_slack_refuses():
    assert metadata_error({"event_type": "x"})["error"] == "invalid_metadata_format"
    assert metadata_error("nope")["error"] == "invalid_metadata_format"
    bad_type = {"event_type": "has spaces", "event_payload": {}}
    assert metadata_error(bad_type)["error"] == "invalid_metadata_schema"
    null_value = {"event_type": "ok", "event_payload": {"decider": None}}
    assert metadata_error(null_value)["error"] == "invalid_metadata_schema"
