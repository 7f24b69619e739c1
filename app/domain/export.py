"""The decision log as CSV, JSON or Markdown (one ADR-style section per decision).

Column names are part of the public contract (PRODUCT.md); add columns at the end, never rename.
Rows are streamed team by team, so an export of a large log holds one batch in memory at a time.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Decision, Team

COLUMNS = (
    "id",
    "title",
    "status",
    "decider",
    "framework",
    "approach",
    "zone",
    "channel",
    "created_by",
    "created_at",
    "decided_at",
    "resolution",
    "rationale",
    "outcome",
    # Extensions beyond the contract's minimum:
    "team",
    "deferred_by",
    "reversible",
    "deadline",
    "context",
    "outcome_note",
    "permalink",
    "domain",
    "principle",
)
FORMATS = ("csv", "json", "markdown")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def decision_row(decision: Decision) -> dict[str, object]:
    return {
        "id": decision.id,
        "title": decision.title,
        "status": decision.status.value,
        "decider": decision.decider_id,
        "framework": decision.framework.value if decision.framework else None,
        "approach": decision.approach.value if decision.approach else None,
        "zone": decision.zone.value,
        "channel": decision.channel_id,
        "created_by": decision.created_by,
        "created_at": _iso(decision.created_at),
        "decided_at": _iso(decision.decided_at),
        "resolution": decision.resolution,
        "rationale": decision.rationale,
        "outcome": decision.outcome,
        "team": decision.team_id,
        "deferred_by": decision.deferred_by,
        "reversible": decision.reversible,
        "deadline": _iso(decision.deadline),
        "context": decision.context,
        "outcome_note": decision.outcome_note,
        "permalink": decision.permalink,
        "domain": decision.domain,
        "principle": decision.principle,
    }


def team_ids(session: Session) -> list[str]:
    return list(session.scalars(select(Team.id).order_by(Team.id)))


def iter_rows(session: Session, teams: Iterable[str]) -> Iterator[dict[str, object]]:
    """Each team's decisions, oldest first, queried one team at a time."""
    for team_id in teams:
        query = (
            select(Decision)
            .where(Decision.team_id == team_id)
            .order_by(Decision.created_at, Decision.id)
            .execution_options(yield_per=500)
        )
        for decision in session.scalars(query):
            yield decision_row(decision)


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
