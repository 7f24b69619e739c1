"""Writing the decision log's rows (app.domain.export) as CSV, JSON or Markdown.

CSV and JSON keep Slack ids (the contract in PRODUCT.md: other tools join on them). Markdown is
for people: one ADR-style section per decision, with people and channels by the names the bot
has seen (app.domain.names), and mentions inside the text written out the same way. The HTML
decision log (`--format html --out DIR`) is a site, not a stream: app.site builds it.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TextIO

from sqlalchemy.orm import Session, sessionmaker

from app.domain.export import COLUMNS, iter_rows, team_ids
from app.domain.names import NameBook, humanize, name_book

FORMATS = ("csv", "json", "markdown")
NO_NAMES = NameBook()
LIFE_FACTS = (
    ("supersedes", "Supersedes"),
    ("superseded_by", "Superseded by"),
    ("cancel_reason", "Cancelled because"),
    ("reopen_reason", "Reopened because"),
    ("escalation_reason", "Escalated because"),
)


MARKUP = re.compile(r"([\\<>\[\]])")


def inert(text: str | None) -> str:
    """People's text for Markdown, which renderers turn into HTML: a backslash before each
    character that could open a tag, an autolink or a link (<, >, [, ]) or escape one (\\),
    so a title like <script> shows as itself wherever the file is rendered."""
    return MARKUP.sub(r"\\\1", text or "")


def readable_time(value: object) -> str | None:
    """An export row's ISO time as people read it: 2026-11-23 09:00 UTC."""
    if not value:
        return None
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment.strftime("%Y-%m-%d %H:%M UTC")


class UnknownTeam(LookupError):
    """`--team` names a team this database has no data for; the message lists those it has."""

    def __init__(self, team: str, known: list[str]) -> None:
        listed = ", ".join(known) if known else "none: the database has no decisions yet"
        super().__init__(f"team {team} has no data in this database (teams here: {listed})")
        self.team = team
        self.known = known


def teams_to_export(session: Session, team: str | None) -> list[str]:
    """Every team, or the one asked for if the database knows it (else UnknownTeam)."""
    known = team_ids(session)
    if team is None:
        return known
    if team not in known:
        raise UnknownTeam(team, known)
    return [team]


def export_log(
    sessions: sessionmaker[Session], fmt: str, out: TextIO, team: str | None = None
) -> int:
    """The decision log of one team (or all) written to `out` as csv, json or markdown;
    returns how many decisions were written. Raises UnknownTeam. The console calls this."""
    with sessions() as session:
        teams = teams_to_export(session, team)
        books = {t: name_book(session, t) for t in teams} if fmt == "markdown" else {}
        return write_export(iter_rows(session, teams), fmt, out, books)


def write_export(
    rows: Iterable[dict[str, object]],
    fmt: str,
    out: TextIO,
    books: Mapping[str, NameBook] | None = None,
) -> int:
    """Write rows in the chosen format; returns how many were written. `books` (team id ->
    names) is what Markdown calls people and channels; without it, their Slack ids."""
    if fmt == "csv":
        return _write_csv(rows, out)
    if fmt == "json":
        return _write_json(rows, out)
    if fmt == "markdown":
        return _write_markdown(rows, out, books or {})
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


def _write_markdown(
    rows: Iterable[dict[str, object]], out: TextIO, books: Mapping[str, NameBook]
) -> int:
    out.write("# Decision log\n")
    count = 0
    for row in rows:
        count += 1
        out.write(_adr(row, books.get(str(row.get("team")), NO_NAMES)))
    if not count:
        out.write("\nNo decisions recorded yet.\n")
    return count


def _adr(row: dict[str, object], book: NameBook) -> str:
    def text(key: str, empty: str = "_not recorded_") -> str:
        value = row.get(key)
        if value in (None, ""):
            return empty
        return inert(humanize(str(value).strip(), book)) or empty

    def person(key: str) -> str | None:
        return inert(book.person(str(row[key]))) if row.get(key) else None

    decider = person("decider") or "_no decider yet_"
    deferred_by = person("deferred_by")
    facts = [
        f"- **Status:** {row['status']}",
        f"- **Decider:** {decider}" + (f" (deferred by {deferred_by})" if deferred_by else ""),
        f"- **Framework:** {text('framework', 'not stated')} · **Approach:** "
        f"{text('approach', 'not stated')} · **Zone:** {row['zone']}",
        f"- **Channel:** {inert(book.channel(str(row['channel'])))} · **Opened by:** "
        f"{person('created_by')} on {readable_time(row['created_at'])}",
    ]
    if row.get("deadline"):
        facts.append(f"- **Deadline:** {readable_time(row['deadline'])}")
    if row.get("decided_at"):
        facts.append(f"- **Decided:** {readable_time(row['decided_at'])}")
    for key, words in LIFE_FACTS:
        if row.get(key) not in (None, ""):
            facts.append(f"- **{words}:** {text(key)}")
    outcome = text("outcome", "_not reviewed yet_")
    if row.get("outcome_note"):
        outcome += f": {text('outcome_note')}"
    return (
        f"\n## {row['id']}. {inert(humanize(str(row['title']), book))}\n\n"
        + "\n".join(facts)
        + f"\n\n### Context\n\n{text('context', '_none given_')}\n"
        + f"\n### Decision\n\n{text('resolution')}\n"
        + f"\n### Rationale\n\n{text('rationale')}\n"
        + f"\n### Outcome\n\n{outcome}\n"
    )
