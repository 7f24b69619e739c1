"""Outcome review DMs and modal, the retro answers modal, and the deadline nudge."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from app import ids
from app.blocks.modal import build_modal
from app.blocks.text import date, escape, truncate
from app.db.models import Decision
from app.domain.outcomes import NOTE_MAX, OUTCOMES
from app.domain.retros import ANSWER_MAX, QUESTIONS


def outcome_request_text(decision: Decision) -> str:
    return truncate(f"How did “{escape(decision.title)}” turn out?", 3000)


def build_outcome_request(decision: Decision) -> list[Block]:
    decided = date(decision.decided_at, "{date_short_pretty}") if decision.decided_at else ""
    title = escape(truncate(decision.title, 200))
    linked = f"<{decision.permalink}|{title}>" if decision.permalink else f"*{title}*"
    text = f":mag: *Outcome review*\nYou decided {linked} {decided}. How did it turn out?"
    if decision.resolution:
        text += f"\n>{escape(truncate(decision.resolution, 300))}"
    return [
        SectionBlock(text=MarkdownTextObject(text=text)),
        ActionsBlock(
            block_id="outcome.actions",
            elements=[
                ButtonElement(
                    text=label, action_id=f"{ids.OUTCOME_PICK}{key}", value=str(decision.id)
                )
                for key, label in OUTCOMES.items()
            ],
        ),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="The answer goes into the decision log and the next retrospective."
                )
            ]
        ),
    ]


def build_outcome_recorded(decision: Decision, forecast_score: float | None = None) -> list[Block]:
    """The review message, answered. `forecast_score` (this forecast's Brier score) only when
    the message's reader made the forecast: it is private to them."""
    label = OUTCOMES.get(decision.outcome or "", decision.outcome or "")
    text = f":white_check_mark: Recorded for *{escape(truncate(decision.title, 200))}*: *{label}*"
    if decision.outcome_note:
        text += f"\n>{escape(truncate(decision.outcome_note, 500))}"
    if forecast_score is not None:
        text += (
            f"\nYou were {decision.forecast_confidence}% confident it would work out: this "
            f"forecast scores {forecast_score:.2f} (Brier: 0 is perfect, 0.25 is a coin toss)."
        )
    return [SectionBlock(text=MarkdownTextObject(text=text))]


def build_outcome_modal(decision: Decision, outcome: str) -> View:
    return build_modal(
        ids.OUTCOME_VIEW,
        "Outcome review",
        submit="Save",
        private_metadata={"decision_id": decision.id, "outcome": outcome},
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"*{escape(truncate(decision.title, 200))}*\n"
                    f"Outcome: *{OUTCOMES[outcome]}*"
                )
            ),
            InputBlock(
                block_id=ids.OUTCOME_NOTE,
                label="A note for the log (optional)",
                optional=True,
                element=PlainTextInputElement(
                    action_id=ids.VALUE, multiline=True, max_length=NOTE_MAX
                ),
            ),
        ],
    )


def build_retro_modal(post_id: int) -> View:
    return build_modal(
        ids.RETRO_VIEW,
        "Anonymous answers",
        submit="Send",
        private_metadata={"post_id": post_id},
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(
                    text="Your name is not stored with your answers. Leave a question blank "
                    "to skip it."
                )
            ),
            *(
                InputBlock(
                    block_id=key,
                    label=question,
                    optional=True,
                    element=PlainTextInputElement(
                        action_id=ids.VALUE, multiline=True, max_length=ANSWER_MAX
                    ),
                )
                for key, question in QUESTIONS.items()
            ),
        ],
    )


HANDOFF = "`/decide handoff {id} @someone`"


def deadline_text(decision: Decision, who: str | None) -> str:
    """`who` is the tiebreaker's words; None when the decision has a decider to ask."""
    if who is None:
        return truncate(
            f"The deadline for “{escape(decision.title)}” has passed. <@{decision.decider_id}>, "
            f"decide it, or hand it on with {HANDOFF.format(id=decision.id)}.",
            3000,
        )
    return truncate(
        f"The deadline for “{escape(decision.title)}” has passed. By the tiebreaker rule, {who}.",
        3000,
    )


def build_deadline_nudge(decision: Decision, who: str | None) -> list[Block]:
    """The thread's nudge: the decider is asked to decide or hand it on; only a decision with
    no decider is offered the tiebreaker (which never replaces one)."""
    title = escape(truncate(decision.title, 200))
    when = date(decision.deadline) if decision.deadline else ""
    if who is None:
        return _ask_the_decider(decision, title, when)
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=f":hourglass: The deadline for *{title}* ({when}) has passed. "
                f"By the tiebreaker rule, {who}."
            )
        ),
        ActionsBlock(
            block_id="deadline.actions",
            elements=[
                ButtonElement(
                    text="Apply the tiebreaker",
                    action_id=ids.APPLY_TIEBREAKER,
                    value=str(decision.id),
                    style="primary",
                )
            ],
        ),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"Only <@{decision.created_by}>, who opened it, can apply it."
                )
            ]
        ),
    ]


def _ask_the_decider(decision: Decision, title: str, when: str) -> list[Block]:
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=f":hourglass: The deadline for *{title}* ({when}) has passed. "
                f"<@{decision.decider_id}>, decide it now, or hand it on to someone who can "
                f"with {HANDOFF.format(id=decision.id)}."
            )
        ),
        ActionsBlock(
            block_id="deadline.actions",
            elements=[
                ButtonElement(
                    text="Record resolution",
                    action_id=ids.RECORD_RESOLUTION,
                    value=str(decision.id),
                    style="primary",
                ),
                ButtonElement(text="Hand it on", action_id=ids.HAND_ON, value=str(decision.id)),
            ],
        ),
    ]
