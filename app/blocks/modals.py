"""Modals: declaring a decision and recording its resolution."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    ContextBlock,
    DateTimePickerElement,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    SectionBlock,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from app import ids
from app.blocks.cards import TIEBREAKER_LABELS
from app.blocks.declare_extras import principle_input
from app.blocks.modal import build_modal, input_block
from app.blocks.text import escape, truncate
from app.db.models import Decision
from app.domain.decisions import CONFIDENCE, TEXT_MAX, TITLE_MAX
from app.vocabulary import Approach, Framework, Zone

FRAMEWORK_HINTS = {
    Framework.EXPERTISE: "Expertise: whoever knows most",
    Framework.SITUATIONAL: "Situational: fits the moment",
    Framework.ROTATING: "Rotating: the current lead",
}
APPROACH_HINTS = {
    Approach.TACTICAL: "Tactical: one call, now",
    Approach.STRATEGIC: "Strategic: long-term direction",
    Approach.STRUCTURAL: "Structural: a standing rule",
}
ZONE_HINTS = {
    Zone.LOCAL: "Local: decide here",
    Zone.PRINCIPLE: "Principle: check team principles",
    Zone.CENTRE: "Centre: leadership aware",
}
REVERSIBLE_CHOICES = {"yes": "Yes, easy to undo", "no": "No, hard to undo"}


@dataclass(frozen=True)
class DeclarePrefill:
    title: str = ""
    context: str = ""
    decider_id: str | None = None


def _options(hints: dict) -> list[Option]:
    return [Option(value=key.value, text=text) for key, text in hints.items()]


def build_declare_modal(
    prefill: DeclarePrefill,
    *,
    channel_id: str,
    thread_ts: str | None = None,
    response_url: str | None = None,
    extras: Sequence[Block] = (),
    channel_name: str | None = None,
) -> View:
    """The declaration form. Where it was opened from rides along in private_metadata, with the
    command's response_url so problems can be reported even where the bot cannot post, and the
    conversation's `channel_name` so the report fits it (app.blocks.slack_errors)."""
    metadata = {"channel": channel_id}
    if channel_name:
        metadata["channel_name"] = channel_name[:100]
    if thread_ts:
        metadata["thread_ts"] = thread_ts
    if response_url:
        metadata["response_url"] = response_url
    zone_options = _options(ZONE_HINTS)
    tiebreaker_options = _options(TIEBREAKER_LABELS)
    blocks = [
        input_block(
            ids.TITLE,
            "What needs deciding?",
            PlainTextInputElement(
                action_id=ids.VALUE,
                initial_value=truncate(prefill.title, TITLE_MAX) or None,
                max_length=TITLE_MAX,
                placeholder="e.g. Pick the billing database",
            ),
            optional=False,
        ),
        input_block(
            ids.DECIDER,
            "Who has final say?",
            UserSelectElement(
                action_id=ids.VALUE,
                initial_user=prefill.decider_id,
                placeholder="Choose the decider",
            ),
            hint="Leave empty to decide who decides later.",
        ),
        input_block(
            ids.FRAMEWORK,
            "How was the decider chosen?",
            StaticSelectElement(action_id=ids.VALUE, options=_options(FRAMEWORK_HINTS)),
        ),
        input_block(
            ids.APPROACH,
            "Horizon",
            StaticSelectElement(action_id=ids.VALUE, options=_options(APPROACH_HINTS)),
        ),
        input_block(
            ids.ZONE,
            "Escalation zone",
            StaticSelectElement(
                action_id=ids.VALUE, options=zone_options, initial_option=zone_options[0]
            ),
            optional=False,
        ),
        input_block(
            ids.REVERSIBLE,
            "Can it be undone cheaply?",
            RadioButtonsElement(
                action_id=ids.VALUE,
                options=[Option(value=k, text=v) for k, v in REVERSIBLE_CHOICES.items()],
            ),
        ),
        *extras,
        input_block(ids.DEADLINE, "Decide by", DateTimePickerElement(action_id=ids.VALUE)),
        input_block(
            ids.TIEBREAKER,
            "If it stays a tie, or the deadline passes, who decides?",
            StaticSelectElement(
                action_id=ids.VALUE,
                options=tiebreaker_options,
                initial_option=tiebreaker_options[0],
            ),
            hint="Agree on it now, before anyone knows which way it would fall.",
        ),
        input_block(
            ids.CONTEXT,
            "Context",
            PlainTextInputElement(
                action_id=ids.VALUE,
                multiline=True,
                max_length=TEXT_MAX,
                initial_value=truncate(prefill.context, TEXT_MAX) or None,
                placeholder="What is known, what is at stake, links",
            ),
        ),
    ]
    return build_modal(
        ids.DECLARE_VIEW, "Who decides this?", blocks, submit="Declare", private_metadata=metadata
    )


def build_resolve_modal(
    decision: Decision, principles: Sequence[tuple[str, str]] = (), recorder: str | None = None
) -> View:
    """The resolution form; on a decision with no decider it asks who decided (default: the
    person recording), because a resolution always has a decider."""
    who: list = []
    if decision.decider_id is None:
        who = [
            input_block(
                ids.DECIDER,
                "Who decided?",
                UserSelectElement(action_id=ids.VALUE, initial_user=recorder),
                optional=False,
                hint="Nobody was named to decide this; the log and the outcome review need "
                "the person who made the call.",
            )
        ]
    return build_modal(
        ids.RESOLVE_VIEW,
        "Record resolution",
        submit="Record",
        private_metadata={"decision_id": decision.id},
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(text=f"*{escape(truncate(decision.title, 200))}*")
            ),
            input_block(
                ids.RESOLUTION,
                "What was decided?",
                PlainTextInputElement(action_id=ids.VALUE, multiline=True, max_length=TEXT_MAX),
                optional=False,
            ),
            *who,
            input_block(
                ids.RATIONALE,
                "Why?",
                PlainTextInputElement(
                    action_id=ids.VALUE,
                    multiline=True,
                    max_length=TEXT_MAX,
                    placeholder="The reasons, the options set aside, the principle in play",
                ),
            ),
            *([principle_input(principles, "Principle cited")] if principles else []),
            ContextBlock(
                elements=[
                    PlainTextObject(
                        text="The card in the channel will show this, and it goes in the log."
                    )
                ]
            ),
            *_forecast_inputs(),
        ],
    )


def _forecast_inputs() -> list[Block]:
    """Optional: what the recorder expects and how sure they are, private unless shared.
    Once the outcome is reviewed it scores their calibration (Brier score)."""
    return [
        input_block(
            ids.FORECAST,
            "Your forecast (optional, private)",
            PlainTextInputElement(
                action_id=ids.VALUE,
                max_length=TEXT_MAX,
                placeholder="What you expect: e.g. the migration is done by March",
            ),
        ),
        input_block(
            ids.FORECAST_CONFIDENCE,
            "How confident are you that it works out? (50-99%)",
            NumberInputElement(
                action_id=ids.VALUE,
                is_decimal_allowed=False,
                min_value=str(CONFIDENCE.start),
                max_value=str(CONFIDENCE.stop - 1),
                placeholder="e.g. 80",
            ),
            hint="Only you see your forecast and its score, unless you share it on the card.",
        ),
        input_block(
            ids.FORECAST_SHARE,
            "Share",
            CheckboxesElement(
                action_id=ids.VALUE,
                options=[Option(value="yes", text="Show my forecast on the card")],
            ),
        ),
    ]
