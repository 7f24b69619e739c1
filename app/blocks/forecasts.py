"""A decider's forecast: the line the card shows once shared, and the private note that offers
to share it."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    MarkdownTextObject,
    SectionBlock,
)

from app import ids
from app.blocks.text import escape, truncate
from app.db.models import Decision


def forecast_line(decision: Decision) -> str:
    """ "<@U1> expected: …, 80% confident", from the forecast's own author."""
    expected = (
        f"expected “{escape(truncate(decision.forecast, 300))}”, "
        if decision.forecast
        else "expected it to work out, "
    )
    return f"<@{decision.forecast_by}> {expected}{decision.forecast_confidence}% confident"


def forecast_kept_text(decision: Decision) -> str:
    return (
        f"Your forecast on “{escape(truncate(decision.title, 150))}” is private: only you see "
        "it and its score. Share it on the card if you like."
    )


def build_forecast_kept(decision: Decision) -> list[Block]:
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"{forecast_kept_text(decision)}\n>{forecast_line(decision)}"
            )
        ),
        ActionsBlock(
            block_id="forecast.actions",
            elements=[
                ButtonElement(
                    text="Show it on the card",
                    action_id=ids.SHARE_FORECAST,
                    value=str(decision.id),
                )
            ],
        ),
    ]
