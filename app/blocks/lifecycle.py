"""The life of a decision on screen: the card's "More" menu and buttons, what the card says of
the last change (cancelled, reopened, handed on, edited, superseded), and the replies. The
forms behind each are in lifecycle_forms.py.
"""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    Option,
    OverflowMenuElement,
    SectionBlock,
)

from app import ids
from app.blocks.text import date, decision_link, escape, truncate, user
from app.db.models import Decision
from app.domain.lifecycle import REASON_MAX
from app.vocabulary import Status

LABELS = {
    "edit": "Edit",
    "handoff": "Hand on to someone else",
    "cancel": "Cancel (withdraw)",
    "reopen": "Reopen",
    "supersede": "Supersede with a new decision",
}
VERBS_BY_STATUS = {
    Status.OPEN: ("edit", "handoff", "cancel", "supersede"),
    Status.ESCALATED: ("edit", "handoff", "cancel", "supersede"),
    Status.DECIDED: ("reopen", "supersede"),
    Status.CANCELLED: ("reopen",),
    Status.SUPERSEDED: (),
}
BUTTON_IDS = {"reopen": ids.REOPEN, "supersede": ids.SUPERSEDE}


def lifecycle_verbs(decision: Decision) -> tuple[str, ...]:
    """What can still happen to this decision (who may is the domain's to say on click)."""
    return VERBS_BY_STATUS[decision.status]


def lifecycle_menu(decision: Decision) -> OverflowMenuElement | None:
    """The "More" menu: option values are "<verb>:<decision id>" (app.ids.LIFECYCLE_MENU)."""
    verbs = lifecycle_verbs(decision)
    if not verbs:
        return None
    return OverflowMenuElement(
        action_id=ids.LIFECYCLE_MENU,
        options=[Option(value=f"{verb}:{decision.id}", text=LABELS[verb]) for verb in verbs],
    )


def lifecycle_buttons(decision: Decision) -> list[ButtonElement]:
    """A settled card's own buttons: Reopen, and Supersede while it is decided."""
    return [
        ButtonElement(
            text=LABELS[verb].split(" ")[0], action_id=BUTTON_IDS[verb], value=str(decision.id)
        )
        for verb in lifecycle_verbs(decision)
        if verb in BUTTON_IDS
    ]


def _when(stamp: str | None) -> str:
    try:
        return " " + date(datetime.fromisoformat(stamp), "{date_short_pretty}") if stamp else ""
    except ValueError:
        return ""


def change_lines(decision: Decision) -> list[str]:
    """What the card says of the decision's last change and of its supersession, in place."""
    lines = []
    change = decision.last_change or {}
    by, reason = change.get("by"), change.get("reason")
    said = f": {escape(truncate(reason, REASON_MAX))}" if reason else ""
    kind, when = change.get("kind"), _when(change.get("at"))
    if kind == "cancelled" and decision.status is Status.CANCELLED:
        lines.append(f":no_entry_sign: Cancelled by {user(by)}{when}{said}")
    elif kind == "reopened" and decision.status in (Status.OPEN, Status.ESCALATED):
        lines.append(f":leftwards_arrow_with_hook: Reopened by {user(by)}{when}{said}")
    elif kind == "handed_on" and decision.status in (Status.OPEN, Status.ESCALATED):
        to = user(change.get("to"))
        lines.append(f":handshake: {user(by)} handed it on to {to}{when}{said}")
    elif kind == "edited":
        lines.append(f":pencil2: Edited by {user(by)}{when}")
    if decision.superseded_by_id is not None:
        link = decision_link(decision.superseded_by_id, decision.superseded_by_link)
        lines.append(
            f":arrows_counterclockwise: Superseded by {link}{said if kind == 'superseded' else ''}"
        )
    if decision.supersedes_id is not None:
        earlier = decision_link(decision.supersedes_id, decision.supersedes_link)
        lines.append(f":arrow_right_hook: Supersedes {earlier}")
    return lines


def build_change_note(decision: Decision) -> list[Block]:
    lines = change_lines(decision)
    if not lines:
        return []
    text = truncate("\n".join(lines), 3000)
    return [ContextBlock(block_id="card.change", elements=[MarkdownTextObject(text=text)])]


def handoff_text(decision: Decision, actor_id: str) -> str:
    return truncate(
        f"<@{actor_id}> handed you “{escape(decision.title)}” (#{decision.id}): you decide it now.",
        3000,
    )


def build_handoff_notice(decision: Decision, actor_id: str) -> list[Block]:
    """The new decider's direct message: who deferred to them, why, and where the card is."""
    title = escape(truncate(decision.title, 200))
    linked = f"<{decision.permalink}|{title}>" if decision.permalink else f"*{title}*"
    reason = (decision.last_change or {}).get("reason")
    text = (
        f":handshake: <@{actor_id}> handed {linked} (#{decision.id}) on to you: you decide it now."
    )
    if reason:
        text += f"\n>{escape(truncate(reason, REASON_MAX))}"
    return [SectionBlock(text=MarkdownTextObject(text=truncate(text, 3000)))]


NOTICE_WORDS = {
    "handoff": ":handshake: {actor} handed {title} (#{id}) on to {decider}",
    "cancel": ":no_entry_sign: {actor} cancelled {title} (#{id})",
    "reopen": ":leftwards_arrow_with_hook: {actor} reopened {title} (#{id})",
    "supersede": ":arrows_counterclockwise: {actor} superseded {title} (#{id}) with #{new}",
}


def change_notice_text(verb: str, decision: Decision, actor_id: str) -> str:
    """What the decider and opener read when someone else changed their decision."""
    title = f"“{escape(truncate(decision.title, 200))}”"
    return truncate(_notice(verb, decision, actor_id, title), 3000)


def build_change_notice(verb: str, decision: Decision, actor_id: str) -> list[Block]:
    title = escape(truncate(decision.title, 200))
    linked = f"<{decision.permalink}|{title}>" if decision.permalink else f"*{title}*"
    text = _notice(verb, decision, actor_id, linked)
    return [SectionBlock(text=MarkdownTextObject(text=truncate(text, 3000)))]


def _notice(verb: str, decision: Decision, actor_id: str, title: str) -> str:
    reason = (decision.last_change or {}).get("reason")
    text = NOTICE_WORDS[verb].format(
        actor=user(actor_id),
        title=title,
        id=decision.id,
        decider=user(decision.decider_id),
        new=decision.superseded_by_id,
    )
    return text + (f": {escape(truncate(reason, REASON_MAX))}" if reason else ".")


def poll_withdrawn_text(decision: Decision) -> str:
    """An expertise poll's message once its decision is cancelled or superseded."""
    if decision.status is Status.SUPERSEDED:
        why = f"was superseded by #{decision.superseded_by_id}"
    else:
        why = "was cancelled"
    title = escape(truncate(decision.title, 200))
    return f":no_entry_sign: This expertise poll is closed: “{title}” (#{decision.id}) {why}."


def build_poll_withdrawn(decision: Decision) -> list[Block]:
    return [SectionBlock(text=MarkdownTextObject(text=poll_withdrawn_text(decision)))]


DONE_WORDS = {
    "edit": "Saved your changes to #{id}.",
    "handoff": "#{id} is handed on to {decider}; they have been told.",
    "cancel": "Cancelled #{id}; the card shows why.",
    "reopen": "Reopened #{id}; it is open again.",
    "supersede": "#{old} is superseded by #{id}.",
    "escalate": "Escalated #{id} to the {zone} zone; the card shows it.",
}


def lifecycle_done_text(verb: str, decision: Decision) -> str:
    """The private confirmation after a `/decide <verb>` command."""
    return DONE_WORDS[verb].format(
        id=decision.id,
        decider=user(decision.decider_id),
        old=decision.supersedes_id,
        zone=decision.zone.value,
    )
