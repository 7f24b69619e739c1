"""The anonymous report modal, its confirmation, and the steward's DM. Pure."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from app import ids
from app.blocks.modal import build_modal
from app.blocks.text import escape, truncate
from app.db.models import Decision
from app.domain.steward import KINDS, TEXT_MAX

PROMISE = (
    "Your report is stored with no link to you: not in the database, not in the logs, not in "
    "any scheduled job. The steward receives only what you write here."
)


def build_feedback_modal(recent: Sequence[Decision]) -> View:
    blocks: list[Block] = [
        InputBlock(
            block_id=ids.FEEDBACK_KIND,
            label="What happened?",
            element=RadioButtonsElement(
                action_id=ids.VALUE, options=[Option(value=k, text=t) for k, t in KINDS.items()]
            ),
        ),
        InputBlock(
            block_id=ids.FEEDBACK_TEXT,
            label="Describe it",
            element=PlainTextInputElement(action_id=ids.VALUE, multiline=True, max_length=TEXT_MAX),
        ),
    ]
    if recent:
        options = [
            Option(value=str(d.id), text=truncate(f"#{d.id} {escape(d.title)}", 75))
            for d in recent[:100]
        ]
        blocks.append(
            InputBlock(
                block_id=ids.FEEDBACK_DECISION,
                label="About a decision (optional)",
                element=StaticSelectElement(action_id=ids.VALUE, options=options),
                optional=True,
            )
        )
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=PROMISE)]))
    return build_modal(ids.FEEDBACK_VIEW, "Report anonymously", blocks, submit="Send")


def build_feedback_sent() -> View:
    """What the reporter sees after sending: the modal itself, so no message names them."""
    return build_modal(
        None,
        "Report sent",
        close="Done",
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(text=f":white_check_mark: Sent to the steward.\n{PROMISE}")
            )
        ],
    )


def steward_text(kind: str) -> str:
    return f"Anonymous report: {KINDS[kind]}"


def build_steward_report(kind: str, text: str, decision: Decision | None) -> list[Block]:
    about = ""
    if decision is not None:
        title = escape(truncate(decision.title, 150))
        link = f"<{decision.permalink}|{title}>" if decision.permalink else f"*{title}*"
        about = f"\nAbout: {link}"
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=truncate(
                    f":shield: *Anonymous report: {KINDS[kind]}*{about}\n>{escape(text)}", 3000
                )
            )
        ),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="You receive this as the steward. Nothing records who sent it."
                )
            ]
        ),
    ]
