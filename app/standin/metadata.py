"""Message metadata as chat.postMessage and chat.update accept it.

Slack's rules (docs.slack.dev/messaging/message-metadata, the metadata design guidelines):
`metadata` is a JSON object with a string `event_type` and an object `event_payload` whose
values are strings, numbers, booleans, objects or arrays of them (no null). A malformed
object is `invalid_metadata_format`; one of the right form with values Slack does not take is
`invalid_metadata_schema`. An event type longer than a manifest's metadata subscription may
name (50 characters, the published manifest schema) could never be subscribed to.
"""

from __future__ import annotations

import re
from typing import Any

EVENT_TYPE = re.compile(r"^[A-Za-z0-9_]{1,50}$")


def metadata_error(metadata: Any) -> dict[str, Any] | None:
    """Slack's refusal of a message's `metadata`, or None when it is absent or acceptable."""
    if metadata is None:
        return None
    if (
        not isinstance(metadata, dict)
        or not isinstance(metadata.get("event_type"), str)
        or not isinstance(metadata.get("event_payload"), dict)
    ):
        return {"ok": False, "error": "invalid_metadata_format"}
    if not EVENT_TYPE.match(metadata["event_type"]) or not _values_ok(metadata["event_payload"]):
        return {"ok": False, "error": "invalid_metadata_schema"}
    return None


def _values_ok(value: Any) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _values_ok(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_values_ok(v) for v in value)
    return isinstance(value, str | int | float | bool)
