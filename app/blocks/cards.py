"""The decision card: posted when a decision opens, updated in place as it moves."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    MarkdownTextObject,
    SectionBlock,
)

from app import ids
from app.blocks.forecasts import forecast_line
from app.blocks.lifecycle import build_change_note, lifecycle_buttons, lifecycle_menu
from app.blocks.polls import rule_label
from app.blocks.text import date, escape, truncate, user
from app.db.models import Decision
from app.vocabulary import Status, Tiebreaker

STATUS_BADGE = {
    Status.OPEN: ":large_yellow_circle: Open",
    Status.ESCALATED: ":large_orange_circle: Escalated",
    Status.DECIDED: ":white_check_mark: Decided",
    Status.SUPERSEDED: ":arrows_counterclockwise: Superseded",
    Status.CANCELLED: ":no_entry_sign: Cancelled",
}


def card_text(decision: Decision) -> str:
    """Notification and screen-reader text for the card."""
    who = f"<@{decision.decider_id}> decides" if decision.decider_id else "no decider yet"
    if decision.decider_id and decision.status is Status.DECIDED:
        who = f"decided by <@{decision.decider_id}>"
    elif decision.status is Status.DECIDED:
        who = "decider not recorded"
    return truncate(f"Decision: {escape(decision.title)} ({who}, {decision.status.value})", 3000)


def _title(decision: Decision) -> str:
    """Bold; struck through once the decision is withdrawn."""
    title = f"*{escape(truncate(decision.title, 200))}*"
    return f"~{title}~" if decision.status is Status.CANCELLED else title


def _reversible(decision: Decision) -> str:
    if decision.reversible is None:
        return "not stated"
    return "yes" if decision.reversible else "no, hard to undo"


def _decider(decision: Decision) -> str:
    if decision.decider_id is None and decision.status is Status.DECIDED:
        return "_not recorded_"  # decided before a resolution always named its decider
    if decision.decider_id is None and decision.reopened:
        return "_no decider yet — reopened after an objection_"
    who = user(decision.decider_id)
    if decision.decider_id and decision.decider_rule:
        return f"{who} ({rule_label(decision.decider_rule)})"
    return f"{who} (per charter)" if decision.per_charter and decision.decider_id else who


def _objection(decision: Decision) -> list[Block]:
    """Who objected in a consensus check and why, while the objection stands."""
    if not decision.objected_by:
        return []
    reason = escape(truncate(decision.objection or "", 2000))
    return [
        SectionBlock(
            block_id="card.objection",
            text=MarkdownTextObject(
                text=truncate(
                    f":raised_hand: <@{decision.objected_by}> objected, so the choice of "
                    f"decider is reopened:\n>{reason}",
                    3000,
                )
            ),
        )
    ]


def _zone(decision: Decision) -> str:
    zone = decision.zone.value
    if decision.domain:
        zone += f" · {escape(decision.domain)}" + (" (per charter)" if decision.per_charter else "")
    return zone


TIEBREAKER_LABELS = {
    Tiebreaker.OPENER: "The person who opened it",
    Tiebreaker.POLL_LEADER: "Whoever leads the expertise poll",
    Tiebreaker.STEWARD: "The steward",
    Tiebreaker.ROTATION_LEAD: "The channel's rotation lead",
}


def build_decision_card(decision: Decision) -> list[Block]:
    fields = [
        MarkdownTextObject(text=f"*Decider*\n{_decider(decision)}"),
        MarkdownTextObject(
            text="*Framework*\n"
            + (decision.framework.value if decision.framework else "_not stated_")
        ),
        MarkdownTextObject(text=f"*Zone*\n{_zone(decision)}"),
        MarkdownTextObject(
            text="*Approach*\n" + (decision.approach.value if decision.approach else "_not stated_")
        ),
        MarkdownTextObject(text=f"*Reversible*\n{_reversible(decision)}"),
        MarkdownTextObject(
            text="*Deadline*\n" + (date(decision.deadline) if decision.deadline else "_none_")
        ),
    ]
    rule = decision.tiebreaker
    if rule is not None and (decision.deadline or rule is not Tiebreaker.OPENER):
        fields.append(MarkdownTextObject(text=f"*Tiebreaker*\n{TIEBREAKER_LABELS[rule]}"))
    blocks: list[Block] = [
        SectionBlock(
            block_id="card.title",
            text=MarkdownTextObject(text=f":scales: {_title(decision)}"),
        ),
        SectionBlock(block_id="card.fields", fields=fields),
    ]
    if decision.context:
        blocks.append(
            SectionBlock(
                block_id="card.context",
                text=MarkdownTextObject(text=truncate(escape(decision.context), 2900)),
            )
        )
    blocks.extend(_objection(decision))
    if decision.principle:
        blocks.append(
            ContextBlock(
                block_id="card.principle",
                elements=[
                    MarkdownTextObject(
                        text=f"Principle in play: {escape(truncate(decision.principle, 200))}"
                    )
                ],
            )
        )
    opened = (
        f"Opened by <@{decision.created_by}> {date(decision.created_at, '{date_short_pretty}')}"
    )
    if decision.deferred_by:
        opened += f" · authority deferred by <@{decision.deferred_by}>"
    blocks.append(
        ContextBlock(
            block_id="card.meta",
            elements=[
                MarkdownTextObject(text=f"{STATUS_BADGE[decision.status]} · #{decision.id}"),
                MarkdownTextObject(text=opened),
            ],
        )
    )
    blocks.extend(build_change_note(decision))
    if decision.status in (Status.DECIDED, Status.SUPERSEDED) and decision.resolution:
        blocks.extend(_resolution_blocks(decision))
    if decision.status in (Status.DECIDED, Status.CANCELLED):
        blocks.append(ActionsBlock(block_id="card.settled", elements=lifecycle_buttons(decision)))
    if decision.status in (Status.OPEN, Status.ESCALATED):
        blocks.append(
            ActionsBlock(
                block_id="card.actions",
                elements=[
                    ButtonElement(
                        text="Record resolution",
                        action_id=ids.RECORD_RESOLUTION,
                        value=str(decision.id),
                        style="primary",
                    ),
                    ButtonElement(
                        text="Run expertise poll",
                        action_id=ids.RUN_POLL,
                        value=str(decision.id),
                    ),
                    ButtonElement(
                        text="Consensus check",
                        action_id=ids.CONSENSUS_CHECK,
                        value=str(decision.id),
                    ),
                    ButtonElement(text="Escalate", action_id=ids.ESCALATE, value=str(decision.id)),
                    *_return_button(decision),
                    *filter(None, [lifecycle_menu(decision)]),
                ],
            )
        )
    return blocks


def _return_button(decision: Decision) -> list[ButtonElement]:
    """An escalated card offers the way back; the domain lets only its decider or an admin."""
    if decision.status is not Status.ESCALATED:
        return []
    return [ButtonElement(text="Return to local", action_id=ids.DEESCALATE, value=str(decision.id))]


def _resolution_blocks(decision: Decision) -> list[Block]:
    blocks: list[Block] = [
        DividerBlock(),
        SectionBlock(
            block_id="card.resolution",
            text=MarkdownTextObject(
                text=truncate(f"*Resolution*\n{escape(decision.resolution or '')}", 3000)
            ),
        ),
    ]
    if decision.rationale:
        blocks.append(
            SectionBlock(
                block_id="card.rationale",
                text=MarkdownTextObject(
                    text=truncate(f"*Rationale*\n{escape(decision.rationale)}", 3000)
                ),
            )
        )
    if decision.forecast_shared and decision.forecast_confidence is not None:
        blocks.append(
            ContextBlock(
                block_id="card.forecast",
                elements=[MarkdownTextObject(text=f"Forecast: {forecast_line(decision)}")],
            )
        )
    if decision.decided_at:
        blocks.append(
            ContextBlock(
                block_id="card.decided",
                elements=[MarkdownTextObject(text=f"Decided {date(decision.decided_at)}")],
            )
        )
    return blocks
