"""Writing the decision log's rows (app.domain.export) as CSV, JSON or Markdown: one
ADR-style section per decision, with people and channels as Slack mentions."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import TextIO

from app.domain.export import COLUMNS

FORMATS = ("csv", "json", "markdown")
LIFE_FACTS = (
    ("supersedes", "Supersedes"),
    ("superseded_by", "Superseded by"),
    ("cancel_reason", "Cancelled because"),
    ("reopen_reason", "Reopened because"),
    ("escalation_reason", "Escalated because"),
)


def write_export(rows: Iterable[dict[str, object]], fmt: str, out: TextIO) -> int:
    """Write rows in the chosen format; returns how many were written."""
    if fmt == "csv":
        return _write_csv(rows, out)
    if fmt == "json":
        return _write_json(rows, out)
    if fmt == "markdown":
        return _write_markdown(rows, out)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def _write_csv(rows: Iterable[dict[str, object]], out: TextIO) -> int:
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
        count += 1
    return count


def _write_json(rows: Iterable[dict[str, object]], out: TextIO) -> int:
    out.write("[")
    count = 0
    for row in rows:
        out.write(",\n  " if count else "\n  ")
        out.write(json.dumps(row, ensure_ascii=False))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def _write_markdown(rows: Iterable[dict[str, object]], out: TextIO) -> int:
    out.write("# Decision log\n")
    count = 0
    for row in rows:
        count += 1
        out.write(_adr(row))
    if not count:
        out.write("\nNo decisions recorded yet.\n")
    return count


def _adr(row: dict[str, object]) -> str:
    def text(key: str, empty: str = "_not recorded_") -> str:
        value = row.get(key)
        return str(value).strip() if value not in (None, "") else empty

    decider = f"<@{row['decider']}>" if row.get("decider") else "_no decider yet_"
    facts = [
        f"- **Status:** {row['status']}",
        f"- **Decider:** {decider}"
        + (f" (deferred by <@{row['deferred_by']}>)" if row.get("deferred_by") else ""),
        f"- **Framework:** {text('framework', 'not stated')} · **Approach:** "
        f"{text('approach', 'not stated')} · **Zone:** {row['zone']}",
        f"- **Channel:** <#{row['channel']}> · **Opened by:** <@{row['created_by']}> "
        f"on {row['created_at']}",
    ]
    if row.get("deadline"):
        facts.append(f"- **Deadline:** {row['deadline']}")
    if row.get("decided_at"):
        facts.append(f"- **Decided:** {row['decided_at']}")
    for key, words in LIFE_FACTS:
        if row.get(key) not in (None, ""):
            facts.append(f"- **{words}:** {row[key]}")
    outcome = text("outcome", "_not reviewed yet_")
    if row.get("outcome_note"):
        outcome += f": {text('outcome_note')}"
    return (
        f"\n## {row['id']}. {row['title']}\n\n"
        + "\n".join(facts)
        + f"\n\n### Context\n\n{text('context', '_none given_')}\n"
        + f"\n### Decision\n\n{text('resolution')}\n"
        + f"\n### Rationale\n\n{text('rationale')}\n"
        + f"\n### Outcome\n\n{outcome}\n"
    )
