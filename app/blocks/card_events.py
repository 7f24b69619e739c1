"""The message metadata every decision card carries: a machine-readable event for other apps.

Why apart from the card's blocks: metadata is never shown to people, so what someone typed goes
in as they typed it (no escaping: the consumer is a program), and its shape is a contract other
apps rely on (README, "Decision events"; tests/blocks/test_card_events.py keeps them equal).
"""

from __future__ import annotations

from datetime import UTC

from slack_sdk.models.metadata import Metadata

from app.db.models import Decision
from app.vocabulary import CARD_EVENTS

#: event_payload keys, in the README's order. `decider` and `deadline` are left out while unset:
#: Slack's metadata values are strings, numbers, booleans, objects or arrays, never null.
PAYLOAD_KEYS = ("number", "title", "status", "decider", "zone", "deadline")


def card_metadata(decision: Decision) -> Metadata:
    """`decision_opened`, `decision_decided`, ... with the decision's number, title, status,
    decider, zone and deadline (ISO 8601, UTC)."""
    payload: dict[str, str | int] = {
        "number": decision.id,
        "title": decision.title,
        "status": decision.status.value,
        "zone": decision.zone.value,
    }
    if decision.decider_id:
        payload["decider"] = decision.decider_id
    if decision.deadline is not None:
        deadline = decision.deadline
        if deadline.tzinfo is None:  # SQLite hands back naive UTC
            deadline = deadline.replace(tzinfo=UTC)
        payload["deadline"] = deadline.astimezone(UTC).isoformat().replace("+00:00", "Z")
    ordered = {key: payload[key] for key in PAYLOAD_KEYS if key in payload}
    return Metadata(event_type=CARD_EVENTS[decision.status], event_payload=ordered)
