"""What someone declaring a decision is shown when the team already has one like it.

"This looks like #12 “Pick the billing database”, decided by @bob on 3 Nov", with a link to its
card and the two ways on: supersede it, or declare anyway. In a channel (`/decide Title @x`)
it is an ephemeral message with buttons; in the form it heads the same form, with a choice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    Option,
    RadioButtonsElement,
    SectionBlock,
)

from app import ids
from app.blocks.modal import input_block
from app.blocks.text import date, escape, truncate, user
from app.domain.similar import SimilarDecision
from app.vocabulary import Status

TITLE_SHOWN = 120
OPTION_MAX = 75


def similar_line(found: SimilarDecision) -> str:
    """#12 “Pick the billing database”, decided by @bob on 3 Nov (Slack shows the reader's date)."""
    title = escape(truncate(found.title, TITLE_SHOWN))
    if found.status == Status.DECIDED and found.decided_at is not None:
        who = f"decided by {user(found.decider_id, 'nobody named')}"
        return f"#{found.id} “{title}”, {who} on {date(found.decided_at, '{date_short}')}"
    state = "escalated" if found.status == Status.ESCALATED else "still open"
    holder = f"{user(found.decider_id)} decides" if found.decider_id else "no decider yet"
    opened = date(found.created_at, "{date_short}")
    by = f"<@{found.created_by}>"
    return f"#{found.id} “{title}”, {state} ({holder}), opened by {by} on {opened}"


def _heading(found: Sequence[SimilarDecision]) -> str:
    first = f"This looks like {similar_line(found[0])}."
    if len(found) == 1:
        return f":mag: {first}"
    return f":mag: {first} It also looks like:"


def build_similar_notice(
    found: Sequence[SimilarDecision], *, declare_value: str, supersede_values: Mapping[int, str]
) -> list[Block]:
    """The ephemeral notice: each similar decision with [Open #N] and, when decided,
    [Supersede it]; then [Declare anyway]. Values are sealed by the caller."""
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=_heading(found)))]
    for n, each in enumerate(found):
        if n:
            blocks.append(SectionBlock(text=MarkdownTextObject(text=f"• {similar_line(each)}")))
        buttons = []
        if each.permalink:
            buttons.append(
                ButtonElement(
                    text=f"Open #{each.id}",
                    action_id=f"{ids.SIMILAR_OPEN}.{each.id}",
                    url=each.permalink,
                )
            )
        if each.id in supersede_values:
            buttons.append(
                ButtonElement(
                    text="Supersede it" if len(found) == 1 else f"Supersede #{each.id}",
                    action_id=f"{ids.SIMILAR_SUPERSEDE}.{each.id}",
                    value=supersede_values[each.id],
                )
            )
        if buttons:
            blocks.append(ActionsBlock(block_id=f"similar.{each.id}", elements=buttons))
    blocks.append(
        ActionsBlock(
            block_id="similar.declare",
            elements=[
                ButtonElement(
                    text="Declare anyway",
                    action_id=ids.SIMILAR_DECLARE_ANYWAY,
                    value=declare_value,
                    style="primary",
                )
            ],
        )
    )
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Only you can see this. Nothing is declared until you choose."
                )
            ]
        )
    )
    return blocks


def build_similar_form_head(found: Sequence[SimilarDecision]) -> list[Block]:
    """The blocks that head the declaration form once similar decisions were found: what they
    are, a link to each card, and a required choice: declare as new, or supersede one."""
    blocks: list[Block] = []
    for n, each in enumerate(found):
        text = _heading(found) if n == 0 else f"• {similar_line(each)}"
        accessory = None
        if each.permalink:
            accessory = ButtonElement(
                text=f"Open #{each.id}",
                action_id=f"{ids.SIMILAR_OPEN}.{each.id}",
                url=each.permalink,
            )
        blocks.append(SectionBlock(text=MarkdownTextObject(text=text), accessory=accessory))
    options = [Option(value=ids.SIMILAR_AS_NEW, text="Declare anyway, as a new decision")]
    for each in found:
        if each.status == Status.DECIDED:
            label = truncate(f"Supersede #{each.id}: {escape(each.title)}", OPTION_MAX)
            options.append(Option(value=f"{ids.SIMILAR_SUPERSEDES}{each.id}", text=label))
    blocks.append(
        input_block(
            ids.SIMILAR_CHOICE,
            "Declare it anyway?",
            RadioButtonsElement(action_id=ids.VALUE, options=options),
            optional=False,
        )
    )
    return blocks
