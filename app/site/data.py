"""What the decision-log site shows, read from the domain in one short read-only session:
plain data with people and channels already named, so templates only lay it out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from app.domain import charter as charters
from app.domain import export, metrics, names, rotation_service, steward, trends
from app.domain.names import NameBook, humanize
from app.exporting import readable_time as when

SLACK_REDIRECT = "https://slack.com/app_redirect"
TOP_DECIDERS = 10
# How each history entry reads; kinds not listed read as their own words ("handed_on").
EVENT_WORDS = {
    "opened": "opened the decision",
    "decided": "recorded the resolution",
    "decider_set": "set the decider",
    "escalated": "escalated it",
    "deescalated": "brought it back from escalation",
    "outcome_recorded": "recorded the outcome",
    "poll_started": "started an expertise poll",
    "poll_closed": "closed the expertise poll",
    "consensus_check": "asked for a consensus check",
    "consensus_objection": "objected to the decider",
    "edited": "edited it",
    "handed_on": "handed it on",
    "cancelled": "cancelled it",
    "reopened": "reopened it",
    "superseded": "marked it superseded",
    "supersedes": "replaced an earlier decision with it",
    "supersede_undone": "undid the supersession",
}
# A poll's closing reason is a code (poll, tie, ...), not words someone wrote.
CODED_REASONS = {"poll_closed"}
# History entries whose detail names the new decider, and under which key.
NAMES_A_DECIDER = {"decider_set": "decider", "handed_on": "to"}
BOT_ACTORS = {"scheduler": "Deference (on schedule)"}
OUTCOME_WORDS = {
    "worked": "Worked",
    "mixed": "Mixed",
    "did_not_work": "Did not work",
    "too_early": "Too early to tell",
}


@dataclass(frozen=True)
class HistoryEntry:
    at: str
    who: str
    what: str
    change: str | None
    reason: str | None


@dataclass(frozen=True)
class Entry:
    """One decision, as the index lists it and its page shows it."""

    id: int
    title: str
    status: str
    decider: str | None
    deferred_by: str | None
    opened_by: str
    channel: str
    channel_link: str
    framework: str | None
    approach: str | None
    zone: str
    created: str
    created_day: str
    decided: str | None
    deadline: str | None
    context: str | None
    resolution: str | None
    rationale: str | None
    outcome: str | None
    outcome_note: str | None
    domain: str | None
    principle: str | None
    reversible: bool | None
    permalink: str | None
    related: list[tuple[str, int]] = field(default_factory=list)
    history: list[HistoryEntry] = field(default_factory=list)

    @property
    def search_text(self) -> str:
        parts = (
            self.title,
            self.context,
            self.resolution,
            self.rationale,
            self.outcome_note,
            self.decider,
            self.opened_by,
            self.channel,
            self.domain,
            self.principle,
            self.outcome,
            self.status,
        )
        return " ".join(p for p in parts if p).lower()


@dataclass(frozen=True)
class Chart:
    file: str
    title: str
    alt: str
    png: bytes


@dataclass(frozen=True)
class CharterView:
    domains: list[dict[str, str]]
    values: list[dict]
    escalation_contact: str | None
    formal_leads: list[str]
    steward: str | None
    rotations: list[dict[str, str]]


@dataclass(frozen=True)
class TeamLog:
    team_id: str
    team_name: str
    generated: str
    entries: list[Entry]
    charter: CharterView
    weeks: list
    deciders: list[tuple[str, int]]
    outcomes: dict[str, dict[str, int]]


def web_link(url: object) -> str | None:
    """Only https links leave the page (a stored permalink is Slack's, but never trust a
    scheme: javascript: in an href runs)."""
    return url if isinstance(url, str) and url.startswith("https://") else None


def channel_link(team_id: str, channel_id: str) -> str:
    return f"{SLACK_REDIRECT}?{urlencode({'team': team_id, 'channel': channel_id})}"


def read_team(session: Session, team_id: str, now: datetime) -> TeamLog:
    book = names.name_book(session, team_id)
    histories = export.histories(session, team_id)
    entries = [
        _entry(row, book, histories.get(int(row["id"]), []))
        for row in export.iter_rows(session, [team_id])
    ]
    scope = metrics.Scope(team_id)
    deciders = metrics.concentration(session, scope).by_decider[:TOP_DECIDERS]
    return TeamLog(
        team_id=team_id,
        team_name=export.team_domain(session, team_id) or team_id,
        generated=now.strftime("%Y-%m-%d %H:%M UTC"),
        entries=entries,
        charter=_charter(session, team_id, book, now),
        weeks=trends.weekly_velocity(session, scope),
        deciders=[(book.person(who) or who, count) for who, count in deciders],
        outcomes=trends.outcomes_by_framework(session, scope),
    )


def _entry(row: dict[str, object], book: NameBook, events: list) -> Entry:
    def text(key: str) -> str | None:
        value = row.get(key)
        return humanize(str(value), book) if value not in (None, "") else None

    def person(key: str) -> str | None:
        return book.person(str(row[key])) if row.get(key) else None

    related = [
        (label, int(row[key]))
        for key, label in (("supersedes", "Supersedes"), ("superseded_by", "Superseded by"))
        if str(row.get(key) or "").isdigit()
    ]
    return Entry(
        id=int(row["id"]),  # type: ignore[call-overload]
        title=humanize(str(row["title"]), book) or "",
        status=str(row["status"]),
        decider=person("decider"),
        deferred_by=person("deferred_by"),
        opened_by=person("created_by") or "",
        channel=book.channel(str(row["channel"])) or "",
        channel_link=channel_link(str(row["team"]), str(row["channel"])),
        framework=text("framework"),
        approach=text("approach"),
        zone=str(row["zone"]),
        created=when(row["created_at"]) or "",
        created_day=str(row["created_at"])[:10],
        decided=when(row.get("decided_at")),
        deadline=when(row.get("deadline")),
        context=text("context"),
        resolution=text("resolution"),
        rationale=text("rationale"),
        outcome=OUTCOME_WORDS.get(str(row.get("outcome")), text("outcome")),
        outcome_note=text("outcome_note"),
        domain=text("domain"),
        principle=text("principle"),
        reversible=row.get("reversible"),  # type: ignore[arg-type]
        permalink=web_link(row.get("permalink")),
        related=related,
        history=[_history(event, book) for event in events],
    )


def _history(event, book: NameBook) -> HistoryEntry:
    change = None
    if event.from_status and event.to_status and event.from_status != event.to_status:
        change = f"{event.from_status.value} → {event.to_status.value}"
    detail = event.detail or {}
    reason = detail.get("reason") if isinstance(detail.get("reason"), str) else None
    if event.kind in CODED_REASONS:
        reason = None
    what = EVENT_WORDS.get(event.kind, event.kind.replace("_", " "))
    if (key := NAMES_A_DECIDER.get(event.kind)) and isinstance(detail.get(key), str):
        what += f" to {book.person(detail[key])}"
    return HistoryEntry(
        at=when(event.at.isoformat()) or "",
        who=BOT_ACTORS.get(event.actor_id) or book.person(event.actor_id) or "",
        what=what,
        change=change,
        reason=humanize(reason, book) if reason else None,
    )


def _charter(session: Session, team_id: str, book: NameBook, now: datetime) -> CharterView:
    row = export.team_charter(session, team_id)
    rotations = {r.id: r for r in rotation_service.in_team(session, team_id)}
    domains = []
    for domain in charters.domains(session, team_id):
        if domain.rotation_id in rotations:
            holder = f"the lead of the {rotations[domain.rotation_id].name} rotation"
        else:
            holder = book.person(domain.authority_id) or "nobody yet"
        domains.append(
            {
                "name": domain.name,
                "authority": holder,
                "zone": domain.zone.value,
                "escalation": book.person(domain.escalation_contact) or "",
            }
        )
    return CharterView(
        domains=domains,
        values=list(row.values or []) if row else [],
        escalation_contact=book.person(row.escalation_contact) if row else None,
        formal_leads=[book.person(u) or u for u in charters.formal_leads(session, team_id)],
        steward=book.person(steward.current(session, team_id, now)),
        rotations=[
            {
                "name": r.name,
                "channel": book.channel(r.channel_id) or "",
                "lead": book.person(rotation_service.lead_now(session, r, now)) or "",
                "members": ", ".join(book.person(m) or m for m in r.members),
            }
            for r in rotations.values()
        ],
    )
