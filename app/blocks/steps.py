"""Words the workflow steps hand back: the note of "Find who decides", and the sentence a
failed step gives the workflow builder (Slack shows it to the person running the workflow)."""

from __future__ import annotations

from app.blocks.text import escape
from app.domain.authority import Authority, Source
from app.domain.similar import SimilarDecision
from app.vocabulary import Status


def authority_note(found: Authority) -> str:
    """One sentence saying how the decider was found, or why nobody was and what to do."""
    domain = escape(found.domain)
    if not found.known:
        known = ", ".join(escape(name) for name in found.domains)
        listed = f"Its domains are: {known}." if known else "It has no domains yet."
        return (
            f"The charter has no domain “{domain}”. {listed} "
            "Use one of those, or have an admin add it with /decide charter."
        )
    who = f"<@{found.decider_id}>" if found.decider_id else ""
    if found.source is Source.CHARTER_DEFAULT:
        return f"{who} decides {domain} decisions: the charter names them."
    if found.source is Source.ROTATION_LEAD:
        rotation = escape(found.rotation_name or "")
        return f"{who} decides {domain} decisions as the current lead of the {rotation} rotation."
    if found.source is Source.STEWARD:
        return f"The charter names nobody for {domain}, so the steward, {who}, is the one to ask."
    return (
        f"The charter names nobody for {domain} and the team has no steward; "
        "name someone for it with /decide charter."
    )


STEP_PROBLEMS = {
    "empty": "the {label} input is empty; fill it in the step's settings.",
    "not_text": "the {label} input must be text.",
    "not_an_id": "the {label} input is not a {label_lower} Slack knows.",
    "no_actor": (
        "this step needs to know who is running the workflow. Start the workflow from a "
        "person's action (a link, a shortcut or a button), not from a schedule."
    ),
    "number": (
        "the Decision number input must be a decision's number, such as the one Open a "
        "decision gives or /decide log shows."
    ),
    "deadline": "the Deadline input is not a date and time.",
    "past_deadline": "the Deadline input is in the past; pick a time that is still ahead.",
    "outcome": "the Outcome input must be worked, mixed, did_not_work or too_early.",
    "not_in_channel": (
        "{person} is not in {channel}, so they can't open a decision there. Pick a channel "
        "they are in, or add them to it first."
    ),
    "card_elsewhere": (
        "the card is being posted by another attempt; look for it in the channel before "
        "running the workflow again."
    ),
}


def step_problem(
    code: str, label: str = "", *, user_id: str | None = None, channel_id: str | None = None
) -> str:
    """The sentence for a step input problem `code` about the input labelled `label`."""
    return STEP_PROBLEMS[code].format(
        label=escape(label),
        label_lower=escape(label.lower()),
        person=f"<@{user_id}>" if user_id else "The person running the workflow",
        channel=f"<#{channel_id}>" if channel_id else "that channel",
    )


def similar_problem(found: list[SimilarDecision]) -> str:
    """Why the step opened nothing: the team already has decisions like this one."""
    lines = []
    for each in found:
        state = "decided" if each.status is Status.DECIDED else f"still {each.status.value}"
        link = f" {each.permalink}" if each.permalink else ""
        lines.append(f"#{each.id} “{escape(each.title)}” ({state}){link}")
    return (
        "your team already has a decision like this: "
        + "; ".join(lines)
        + ". Look there first; to open this one anyway, turn on the step's "
        "“Open even if similar” input."
    )
