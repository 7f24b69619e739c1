"""Escalation and consensus: the "why" modal, the contact's DM, and the check in the thread."""

from __future__ import annotations

from collections.abc import Sequence

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
from app.blocks.text import escape, truncate, user
from app.db.models import Decision
from app.domain.consensus import REASON_MAX as OBJECTION_MAX
from app.domain.escalation import REASON_MAX
from app.vocabulary import Zone


def _link(decision: Decision) -> str:
    title = escape(truncate(decision.title, 150))
    return f"<{decision.permalink}|{title}>" if decision.permalink else f"*{title}*"


def _reason_form(intro: str, label: str, note: str, max_length: int) -> list:
    """What the escalation and objection forms share: what happens, the reason, who sees it."""
    return [
        SectionBlock(text=MarkdownTextObject(text=intro)),
        InputBlock(
            block_id=ids.REASON,
            label=label,
            element=PlainTextInputElement(
                action_id=ids.VALUE, multiline=True, max_length=max_length
            ),
        ),
        ContextBlock(elements=[MarkdownTextObject(text=note)]),
    ]


def build_escalate_modal(decision: Decision, target: Zone) -> View:
    return build_modal(
        ids.ESCALATE_VIEW,
        "Escalate",
        submit="Escalate",
        private_metadata={"decision_id": decision.id},
        blocks=_reason_form(
            f"Move *{escape(truncate(decision.title, 150))}* from the "
            f"{decision.zone.value} zone to the *{target.value}* zone.",
            "Why does it need to go higher?",
            "Your name and reason go in the decision's history, and the "
            "escalation contact gets a direct message.",
            REASON_MAX,
        ),
    )


def escalation_text(decision: Decision, actor_id: str, reason: str) -> str:
    return truncate(
        f"<@{actor_id}> escalated “{escape(decision.title)}” to the {decision.zone.value} zone: "
        f"{escape(reason)}",
        3000,
    )


def build_escalation_notice(decision: Decision, actor_id: str, reason: str) -> list[Block]:
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=truncate(
                    f":arrow_up: <@{actor_id}> escalated {_link(decision)} to the "
                    f"*{decision.zone.value}* zone.\n>{escape(reason)}",
                    3000,
                )
            )
        )
    ]


def consensus_question(decider_id: str) -> str:
    return f"Is everyone comfortable with {user(decider_id)} having final say?"


def build_consensus_check(
    check_id: int,
    decider_id: str,
    agreed: Sequence[str],
    objector: str | None = None,
    reason: str | None = None,
    asked_by: str | None = None,
) -> list[Block]:
    """The check in the thread: who asked, who agreed, and an objection with its reason (then
    a button for the objector to withdraw it) or the Agree/Object buttons."""
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(text=f":raised_hand: {consensus_question(decider_id)}")
        )
    ]
    said = [f"Asked by <@{asked_by}>"] if asked_by else []
    if agreed:
        said.append("Agreed: " + ", ".join(f"<@{u}>" for u in agreed[:50]))
    if said:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=" · ".join(said))]))
    if objector:
        because = f"\n>{escape(truncate(reason, 2000))}" if reason else ""
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=truncate(
                        f"<@{objector}> objected, so the choice of decider is reopened: "
                        f"there is no decider until the team names one.{because}",
                        3000,
                    )
                )
            )
        )
        blocks.append(
            ActionsBlock(
                block_id="consensus.withdraw",
                elements=[
                    ButtonElement(
                        text="Withdraw my objection",
                        action_id=ids.CONSENSUS_WITHDRAW,
                        value=str(check_id),
                    )
                ],
            )
        )
        return blocks
    blocks.append(
        ActionsBlock(
            block_id="consensus.actions",
            elements=[
                ButtonElement(
                    text="Agree",
                    action_id=ids.CONSENSUS_AGREE,
                    value=str(check_id),
                    style="primary",
                ),
                ButtonElement(
                    text="Object",
                    action_id=ids.CONSENSUS_OBJECT,
                    value=str(check_id),
                    style="danger",
                ),
            ],
        )
    )
    return blocks


def build_objection_modal(check_id: int, decider_id: str, title: str) -> View:
    return build_modal(
        ids.CONSENSUS_OBJECT_VIEW,
        "Object",
        submit="Object",
        private_metadata={"check_id": check_id},
        blocks=_reason_form(
            f"You object to <@{decider_id}> having final say on "
            f"*{escape(truncate(title, 150))}*. The choice of decider is reopened.",
            "Why do you object?",
            "Your name and reason show on the card; the decider and the person "
            "who opened it are told. You can withdraw the objection later.",
            OBJECTION_MAX,
        ),
    )


def objection_text(decision: Decision, decider_id: str, objector: str, reason: str) -> str:
    """What the decider and the opener are told."""
    return truncate(
        f"<@{objector}> objected to <@{decider_id}> having final say on "
        f"“{escape(decision.title)}”, so the choice of decider is reopened: {escape(reason)}",
        3000,
    )


def objection_withdrawn_text(decision: Decision, objector: str, restored_to: str | None) -> str:
    then = f" <@{restored_to}> decides again." if restored_to else " The decider named since stays."
    return truncate(
        f"<@{objector}> withdrew their objection on “{escape(decision.title)}”.{then}", 3000
    )
