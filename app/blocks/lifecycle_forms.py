"""The forms of a decision's life: edit (prefilled), hand on, cancel or reopen with a reason,
and supersede with a new decision. Each carries only the decision's id in private_metadata,
sealed where it is opened (app.listeners.forms)."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ContextBlock,
    DateTimePickerElement,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from app import ids
from app.blocks.modal import build_modal, input_block
from app.blocks.modals import APPROACH_HINTS, FRAMEWORK_HINTS, ZONE_HINTS
from app.blocks.text import escape, truncate, user
from app.db.models import Decision
from app.domain.decisions import TEXT_MAX, TITLE_MAX
from app.domain.lifecycle import REASON_MAX


def _heading(decision: Decision) -> SectionBlock:
    return SectionBlock(
        text=MarkdownTextObject(text=f"*#{decision.id} {escape(truncate(decision.title, 200))}*")
    )


def _options(hints: dict) -> list[Option]:
    return [Option(value=key.value, text=text) for key, text in hints.items()]


def _select(block_id: str, label: str, hints: dict, current, *, optional: bool = True):
    options = _options(hints)
    initial = next((o for o in options if current is not None and o.value == current.value), None)
    return input_block(
        block_id,
        label,
        StaticSelectElement(action_id=ids.VALUE, options=options, initial_option=initial),
        optional=optional,
    )


def build_edit_modal(decision: Decision) -> View:
    """The edit form, prefilled with the decision as it stands."""
    deadline = DateTimePickerElement(
        action_id=ids.VALUE,
        initial_date_time=int(decision.deadline.timestamp()) if decision.deadline else None,
    )
    blocks = [
        input_block(
            ids.TITLE,
            "What needs deciding?",
            PlainTextInputElement(
                action_id=ids.VALUE,
                initial_value=truncate(decision.title, TITLE_MAX),
                max_length=TITLE_MAX,
            ),
            optional=False,
        ),
        input_block(
            ids.CONTEXT,
            "Context",
            PlainTextInputElement(
                action_id=ids.VALUE,
                multiline=True,
                max_length=TEXT_MAX,
                initial_value=truncate(decision.context or "", TEXT_MAX) or None,
            ),
        ),
        input_block(ids.DEADLINE, "Decide by", deadline),
        _select(ids.FRAMEWORK, "How was the decider chosen?", FRAMEWORK_HINTS, decision.framework),
        _select(ids.APPROACH, "Horizon", APPROACH_HINTS, decision.approach),
        _select(ids.ZONE, "Escalation zone", ZONE_HINTS, decision.zone, optional=False),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="The card is redrawn, and the history keeps what each field was before."
                )
            ]
        ),
    ]
    return build_modal(
        ids.EDIT_VIEW,
        f"Edit #{decision.id}"[:24],
        blocks,
        submit="Save",
        private_metadata={"decision_id": decision.id},
    )


def _reason(label: str, *, optional: bool, hint: str | None = None):
    return input_block(
        ids.REASON,
        label,
        PlainTextInputElement(action_id=ids.VALUE, multiline=True, max_length=REASON_MAX),
        optional=optional,
        hint=hint,
    )


def build_handoff_modal(decision: Decision) -> View:
    who = (
        f"{user(decision.decider_id)} decides it now."
        if decision.decider_id
        else "Nobody decides it yet."
    )
    blocks = [
        _heading(decision),
        SectionBlock(text=MarkdownTextObject(text=who)),
        input_block(
            ids.NEW_DECIDER,
            "Who should decide instead?",
            UserSelectElement(action_id=ids.VALUE, placeholder="Choose the new decider"),
            optional=False,
        ),
        _reason("Why them?", optional=True),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="They get a direct message; the card and the history say you "
                    "deferred to them."
                )
            ]
        ),
    ]
    return build_modal(
        ids.HANDOFF_VIEW,
        "Hand on",
        blocks,
        submit="Hand on",
        private_metadata={"decision_id": decision.id},
    )


REASON_FORMS = {
    "cancel": (ids.CANCEL_VIEW, "Cancel decision", "Withdraw", "Why withdraw it?"),
    "reopen": (ids.REOPEN_VIEW, "Reopen decision", "Reopen", "Why decide it again?"),
}


def build_reason_modal(verb: str, decision: Decision) -> View:
    """Cancel or reopen: one required reason, shown on the card and kept in the history."""
    callback_id, title, submit, label = REASON_FORMS[verb]
    blocks = [
        _heading(decision),
        _reason(label, optional=False, hint="Everyone who sees the card reads it."),
    ]
    return build_modal(
        callback_id, title, blocks, submit=submit, private_metadata={"decision_id": decision.id}
    )


def build_supersede_modal(decision: Decision, title: str = "") -> View:
    """Declare the decision that replaces this one; the two cards will link to each other."""
    blocks = [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"Replace *#{decision.id} {escape(truncate(decision.title, 200))}* "
                "with a new decision. The old card will say it was superseded."
            )
        ),
        input_block(
            ids.TITLE,
            "What needs deciding now?",
            PlainTextInputElement(
                action_id=ids.VALUE,
                initial_value=truncate(title or decision.title, TITLE_MAX),
                max_length=TITLE_MAX,
            ),
            optional=False,
        ),
        input_block(
            ids.DECIDER,
            "Who has final say?",
            UserSelectElement(
                action_id=ids.VALUE, initial_user=decision.decider_id, placeholder="Choose"
            ),
            hint="Leave empty to decide who decides later.",
        ),
        _reason("Why replace it?", optional=True),
    ]
    return build_modal(
        ids.SUPERSEDE_VIEW,
        "Supersede",
        blocks,
        submit="Declare",
        private_metadata={"decision_id": decision.id},
    )
