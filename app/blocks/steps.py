"""Words the workflow steps hand back: the note of "Find who decides"."""

from __future__ import annotations

from app.blocks.text import escape
from app.domain.authority import Authority, Source


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
