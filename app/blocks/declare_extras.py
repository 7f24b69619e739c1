"""The declaration form's charter and situational questions: domain, principle, stakes, time
pressure, and one line that explains the heuristic the answers feed. Pure."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    RadioButtonsElement,
    StaticSelectElement,
)

from app import ids
from app.blocks.text import escape, truncate
from app.domain.situational import PRESSURE, STAKES

HEURISTIC = (
    "Reversible and cheap → tactical, local, whoever is closest to the information. Hard to "
    "undo or costly → consensus check, principle or centre zone. Time pressure → situational. "
    "Fields you leave empty follow this suggestion (and a domain's charter); you can override."
)


def _radio(block_id: str, label: str, choices: dict[str, str]) -> InputBlock:
    options = [Option(value=k, text=v) for k, v in choices.items()]
    return InputBlock(
        block_id=block_id,
        label=label,
        element=RadioButtonsElement(action_id=ids.VALUE, options=options),
        optional=True,
    )


def build_declare_extras(
    domains: Sequence[str], principles: Sequence[tuple[str, str]]
) -> list[Block]:
    blocks: list[Block] = [
        _radio(ids.STAKES, "What is at stake?", STAKES),
        _radio(ids.TIME_PRESSURE, "Under time pressure?", PRESSURE),
        ContextBlock(block_id="declare.heuristic", elements=[MarkdownTextObject(text=HEURISTIC)]),
    ]
    if domains:
        blocks.append(
            InputBlock(
                block_id=ids.DOMAIN,
                label="Charter domain",
                element=StaticSelectElement(
                    action_id=ids.VALUE,
                    options=[Option(value=d, text=truncate(escape(d), 75)) for d in domains[:100]],
                ),
                optional=True,
                hint="Its default decider and zone apply when you leave those empty.",
            )
        )
    if principles:
        blocks.append(principle_input(principles))
    return blocks


def principle_input(principles: Sequence[tuple[str, str]], label: str = "Principle in play"):
    """A select of the team's principles, keyed by position ("2.1"), for citing one."""
    return InputBlock(
        block_id=ids.PRINCIPLE,
        label=label,
        element=StaticSelectElement(
            action_id=ids.VALUE,
            options=[Option(value=k, text=truncate(escape(t), 75)) for k, t in principles[:100]],
        ),
        optional=True,
    )
