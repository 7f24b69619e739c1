"""The stand-up deference check and the retrospective, as posted in a channel."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
    UserSelectElement,
)
from slack_sdk.models.views import View

from app import ids
from app.blocks.insight import alignment_lines, retro_question
from app.blocks.modal import build_modal
from app.blocks.text import date, escape, truncate, user
from app.db.models import Decision
from app.domain.alignment import Alignment
from app.domain.checkins import QUESTION
from app.domain.outcomes import OUTCOMES
from app.domain.retros import QUESTIONS, THRESHOLD
from app.domain.schedules import Recurrence, describe_days

MAX_BLOCKS = 50
# Blocks per decision: its line, plus claim/assign buttons when it has no decider.
_RESERVED = 4  # header, intro, summary line, closing context


def _title(decision: Decision) -> str:
    title = escape(truncate(decision.title, 150))
    return f"<{decision.permalink}|{title}>" if decision.permalink else f"*{title}*"


def _age(decision: Decision, now: datetime) -> str:
    days = (now - decision.created_at).days
    return "opened today" if days < 1 else f"open {days} day{'s' if days != 1 else ''}"


def _checkin_line(decision: Decision, now: datetime) -> str:
    deadline = f"due {date(decision.deadline)}" if decision.deadline else "no deadline"
    if decision.deadline and decision.deadline <= now:
        deadline = f":hourglass: deadline passed {date(decision.deadline)}"
    who = user(decision.decider_id)
    return f"{_title(decision)}\n{who} · {deadline} · {_age(decision, now)}"


def _claim_buttons(decision: Decision) -> ActionsBlock:
    return ActionsBlock(
        block_id=f"{ids.CHECKIN_ASSIGN_BLOCK}{decision.id}",
        elements=[
            ButtonElement(text="I'll decide", action_id=ids.CHECKIN_CLAIM, value=str(decision.id)),
            UserSelectElement(placeholder="Who should decide?", action_id=ids.CHECKIN_ASSIGN),
        ],
    )


def build_checkin(
    open_decisions: Sequence[Decision], now: datetime, rotation_lead: str | None = None
) -> list[Block]:
    """The deference check; past the 50-block cap it lists what fits and summarises the rest."""
    blocks: list[Block] = [HeaderBlock(text=QUESTION)]
    intro = f"Current rotation lead: <@{rotation_lead}>" if rotation_lead else None
    if not open_decisions:
        text = "No open decisions in this channel. :tada:"
        blocks.append(SectionBlock(text=MarkdownTextObject(text=text)))
        if intro:
            blocks.append(ContextBlock(elements=[MarkdownTextObject(text=intro)]))
        return blocks
    if intro:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=intro)))
    shown = 0
    for decision in open_decisions:
        needed = 1 if decision.decider_id else 2
        if len(blocks) + needed > MAX_BLOCKS - _RESERVED:
            break
        blocks.append(SectionBlock(text=MarkdownTextObject(text=_checkin_line(decision, now))))
        if decision.decider_id is None:
            blocks.append(_claim_buttons(decision))
        shown += 1
    rest = open_decisions[shown:]
    if rest:
        undecided = sum(1 for d in rest if d.decider_id is None)
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"…and {len(rest)} more open decisions ({undecided} with no decider "
                    "yet). See them all with `/decide log`."
                )
            )
        )
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"{len(open_decisions)} open · "
                    f"{sum(1 for d in open_decisions if d.decider_id is None)} with no decider"
                )
            ]
        )
    )
    return blocks


def checkin_text(count: int) -> str:
    return f"{QUESTION} ({count} open decision{'s' if count != 1 else ''})"


def _retro_line(decision: Decision) -> str:
    outcome = OUTCOMES.get(decision.outcome or "", "")
    status = f"outcome: *{outcome}*" if outcome else f"outcome missing: {user(decision.decider_id)}"
    return f"{_title(decision)} · decided by {user(decision.decider_id)} · {status}"


def _missing_outcomes(
    decided: Sequence[Decision], reviews: Mapping[int, datetime | None]
) -> str | None:
    """Who still owes an outcome, promising a review DM only where one was sent: the others
    are told when theirs comes (`reviews`: None once sent, else when it falls due)."""
    sent: set[str] = set()
    coming: dict[str, datetime] = {}
    for d in decided:
        if d.outcome or d.id not in reviews:
            continue
        who = d.decider_id or d.created_by
        due = reviews[d.id]
        if due is None:
            sent.add(who)
        else:
            coming[who] = min(due, coming.get(who, due))
    lines = []
    if sent:
        asked = ", ".join(f"<@{m}>" for m in sorted(sent)[:40])
        lines.append(
            f"{asked}: how did your decisions turn out? Your outcome review DM has buttons."
        )
    for who, due in sorted(coming.items(), key=lambda item: item[1])[:20]:
        lines.append(
            f"<@{who}>: your outcome review comes by direct message "
            f"{date(due, '{date_short_pretty}')}, once the decision has had time to show results."
        )
    return "\n".join(lines) or None


def build_retro(
    decided: Sequence[Decision],
    since: datetime | None,
    post_id: int,
    alignment: Alignment | None = None,
    *,
    reviews: Mapping[int, datetime | None] | None = None,
) -> list[Block]:
    """The retrospective: decisions since the last one, missing outcomes, shadow authority (and,
    when decisions systematically bypass the charter, whether it should change), anonymous
    questions. Decisions go ten to a section; past the 50-block cap the rest are counted.
    `reviews` says, per decision with no outcome, whether its review DM went out (None) or
    when it will (app.domain.outcomes.review_schedule)."""
    period = f"since {date(since, '{date_short_pretty}')}" if since else "so far"
    count = f"{len(decided)} decision{'s' if len(decided) != 1 else ''}"
    summary = f"*{count} {period}*" if decided else f"No decisions were made here {period}."
    blocks: list[Block] = [
        HeaderBlock(text="Retrospective: who decided, and how did it go?"),
        SectionBlock(text=MarkdownTextObject(text=summary)),
    ]
    room = MAX_BLOCKS - len(blocks) - 6  # outcomes, authority, questions, button, overflow
    chunks = [decided[i : i + 10] for i in range(0, len(decided), 10)]
    for chunk in chunks[:room]:
        text = truncate("\n".join(_retro_line(d) for d in chunk), 3000)
        blocks.append(SectionBlock(text=MarkdownTextObject(text=text)))
    if len(chunks) > room:
        left = len(decided) - room * 10
        more = f"…and {left} more. Export the log with `deference-bot export`."
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=more)]))
    missing = _missing_outcomes(decided, reviews or {})
    if missing:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=truncate(missing, 3000))))
    if alignment is not None:
        lines = alignment_lines(alignment)
        question = retro_question(alignment)
        text = "\n".join([*lines, *([question] if question else [])])
        blocks.append(SectionBlock(text=MarkdownTextObject(text=truncate(text, 3000))))
    questions = "\n".join(f"• {q}" for q in QUESTIONS.values())
    blocks.append(
        SectionBlock(
            text=MarkdownTextObject(
                text=f"*Two anonymous questions*\n{questions}\nAnswers are stored without your "
                f"name and shown in this thread once at least {THRESHOLD} people have answered."
            )
        )
    )
    blocks.append(
        ActionsBlock(
            block_id="retro.actions",
            elements=[
                ButtonElement(
                    text="Answer anonymously", action_id=ids.RETRO_ANSWER, value=str(post_id)
                )
            ],
        )
    )
    return blocks


def build_retro_answers(answers: Sequence[tuple[str, str]]) -> list[Block]:
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=f"*Anonymous answers ({len(answers)})*"))
    ]
    for key, question in QUESTIONS.items():
        mine = [text for q, text in answers if q == key]
        if not mine:
            continue
        body = "\n".join(f"> {escape(truncate(t, 300))}" for t in mine)
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text=truncate(f"*{question}*\n{body}", 3000)))
        )
    return blocks[:MAX_BLOCKS]


NAMES = {"checkin": "deference check", "retro": "retrospective"}


def describe_schedule(kind: str, rec: Recurrence, next_at: datetime | None) -> str:
    """One line for `/decide checkin` and friends: when it runs, in its own zone, and next."""
    every = f"every {rec.every_weeks} weeks on " if rec.every_weeks > 1 else ""
    line = (
        f"The {NAMES[kind]} here runs at {rec.hour:02d}:{rec.minute:02d} "
        f"{every}{describe_days(rec.weekdays)} ({rec.tz})."
    )
    if next_at is not None:
        line += f" Next: {date(next_at)}."
    return line


def schedule_set_text(kind: str, actor_id: str, described: str, *, changed: bool) -> str:
    """What the channel is told when its schedule is set or changed, and by whom."""
    verb = "changed" if changed else "set"
    return f"<@{actor_id}> {verb} the {NAMES[kind]} here. {described}"


def schedule_removed_text(kind: str, actor_id: str) -> str:
    return (
        f"<@{actor_id}> removed the {NAMES[kind]} here; it will not be posted again until "
        "someone sets it."
    )


def set_by_text(setter_id: str) -> str:
    return f"Set by <@{setter_id}>; only they or a workspace admin can change or remove it."


def not_announced_text(error: str) -> str:
    return f"I couldn't say so in the channel (Slack said `{escape(error[:40])}`)."


def build_retro_answers_sent() -> View:
    """What the person sees after answering: the modal itself, privately, so no message in the
    channel says who answered."""
    return build_modal(
        None,
        "Answers sent",
        close="Done",
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(
                    text=":white_check_mark: Thank you: your answers are in, stored without your "
                    f"name. They appear in the retrospective's thread once at least {THRESHOLD} "
                    "people have answered."
                )
            )
        ],
    )
