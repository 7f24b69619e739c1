"""Rotations as shown by `/decide rotation`, and handoff announcements. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from app.blocks.text import date as slack_date
from app.blocks.text import escape, truncate
from app.db.models import Decision

MAX_LISTED = 40


@dataclass(frozen=True)
class RotationView:
    name: str
    members: tuple[str, ...]
    period_days: int
    tz: str
    lead: str
    next_lead: str
    next_day: date


def _period(days: int) -> str:
    if days % 7 == 0:
        weeks = days // 7
        return "every week" if weeks == 1 else f"every {weeks} weeks"
    return "every day" if days == 1 else f"every {days} days"


def midnight(day: date, tz: str) -> datetime:
    return datetime.combine(day, time(0), ZoneInfo(tz))


def rotation_line(view: RotationView) -> str:
    people = " → ".join(f"<@{m}>" for m in view.members)
    when = slack_date(midnight(view.next_day, view.tz), "{date_short_pretty}")
    return (
        f"*{escape(view.name)}* ({_period(view.period_days)}, {view.tz}): lead now <@{view.lead}>,"
        f" next <@{view.next_lead}> from {when}\n{people}"
    )


def build_rotations(views: Sequence[RotationView]) -> list[Block]:
    if not views:
        return [
            SectionBlock(
                text=MarkdownTextObject(
                    text="No rotations in this channel yet. Start one with "
                    "`/decide rotation oncall @alice @bob every 2w`."
                )
            )
        ]
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=truncate(rotation_line(v), 3000)))
        for v in views[:MAX_LISTED]
    ]
    if len(views) > MAX_LISTED:
        more = f"…and {len(views) - MAX_LISTED} more."
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=more)]))
    return blocks


def _decision_lines(held: Sequence[Decision]) -> str:
    if not held:
        return "No open rotating decisions to carry over."
    lines = []
    for d in held[:20]:
        title = escape(truncate(d.title, 120))
        lines.append(f"• <{d.permalink}|{title}>" if d.permalink else f"• *{title}*")
    if len(held) > 20:
        lines.append(f"…and {len(held) - 20} more (`/decide log`).")
    return "Open decisions the incoming lead inherits:\n" + "\n".join(lines)


def handoff_text(name: str, outgoing: str | None, incoming: str) -> str:
    if outgoing is None:
        return f"Rotation {escape(name)}: <@{incoming}> is the first lead."
    return f"Rotation {escape(name)}: <@{outgoing}> hands over to <@{incoming}>."


def adjustment_words(
    name: str,
    actor: str,
    kind: str,
    *,
    skipped: str | None = None,
    user: str | None = None,
    other: str | None = None,
    until: date | None = None,
    tz: str = "UTC",
) -> str:
    """Who changed the rotation today, and how: the first line of its announcement."""
    where = f"the *{escape(name)}* rotation"
    if kind == "skip":
        whose = f"<@{skipped}>'s turn" if skipped else "the current turn"
        return f"<@{actor}> skipped {whose} in {where}."
    if kind == "swap":
        return f"<@{actor}> swapped <@{user}> and <@{other}> in {where}."
    back = slack_date(midnight(until, tz), "{date_short_pretty}") if until else "further notice"
    return f"<@{actor}> marked <@{user}> away until {back} in {where}."


def build_handoff(
    name: str,
    outgoing: str | None,
    incoming: str,
    held: Sequence[Decision],
    until: date,
    tz: str,
    said: str | None = None,
) -> list[Block]:
    """The channel's handoff announcement; `said` is the adjustment that caused it, if any
    (an adjustment that left the same person leading says only that)."""
    ends = slack_date(midnight(until, tz), "{date_short_pretty}")
    if said and outgoing == incoming:
        text = f":arrows_counterclockwise: {said} <@{incoming}> still leads until {ends}."
        return [SectionBlock(text=MarkdownTextObject(text=truncate(text, 3000)))]
    if said:
        return [
            SectionBlock(
                text=MarkdownTextObject(
                    text=truncate(
                        f":arrows_counterclockwise: {said} {handoff_text(name, outgoing, incoming)}"
                        f" <@{incoming}> leads from today until {ends}.",
                        3000,
                    )
                )
            ),
            SectionBlock(text=MarkdownTextObject(text=truncate(_decision_lines(held), 3000))),
        ]
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=f":arrows_counterclockwise: {handoff_text(name, outgoing, incoming)}"
                f" <@{incoming}> leads until {ends}."
            )
        ),
        SectionBlock(text=MarkdownTextObject(text=truncate(_decision_lines(held), 3000))),
    ]
