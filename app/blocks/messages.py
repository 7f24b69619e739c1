"""Ephemeral answers: the decision log, help, and errors that say what went wrong."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from app.blocks.cards import STATUS_BADGE
from app.blocks.text import date, decision_link, escape, truncate, user
from app.db.models import Decision
from app.domain.decisions import LOG_COUNT_CAP
from app.domain.outcomes import OUTCOMES

# Placeholders like <title> are words, not Slack markup: escaped so Slack shows them as typed.
# One entry per subcommand ("" is declaring), so a mistake can show just the line that applies.
USAGE_LINES: dict[str, str] = {
    "": "`/decide` - open the form to declare who decides\n"
    "`/decide <title>` - open the form with the title filled in\n"
    "`/decide <title> @person` - declare @person the decider at once",
    "poll": "`/decide poll <topic> [--anonymous] [--closes 2h|tomorrow 10:00] [--min N]` - "
    "ask the thread who knows most",
    "log": "`/decide log [words]` - search the decision log, newest first",
    "checkin": "`/decide checkin <09:30> [mon-fri] [Europe/Berlin]` - this channel's stand-up "
    "deference check (`/decide checkin` shows it, `/decide checkin off` removes it)",
    "retro": "`/decide retro every <1w|2w|4w> <fri> <16:00> [tz]` - this channel's "
    "retrospective (`/decide retro` shows it, `off` removes it)",
    "stats": "`/decide stats [channel|team] [30d|90d|all] [chart]` - how decisions are made "
    "here, with charts on request",
    "rotation": "`/decide rotation [<name> @a @b every 2w [starting 2027-03-01]]` - rotating "
    "leads (`[<name>] skip`, `swap @a @b`, `away @a until <date>`: the name only when the "
    "channel has several)",
    "charter": "`/decide charter` · `/decide values` - the team's domains, values and principles; "
    "`/decide charter canvas` keeps them in this channel's canvas (admins)",
    "steward": "`/decide steward @person [every quarter]` · `/decide feedback` - report misused "
    "deference anonymously",
    "edit": "`/decide edit <number>` · `/decide handoff <number> @person [why]` - correct an "
    "open decision, or defer it to someone else",
    "cancel": "`/decide cancel <number> <why>` · `/decide reopen <number> <why>` - withdraw an "
    "open decision, or open a decided one again",
    "supersede": "`/decide supersede <number> [<new title> @person]` - replace a decision with "
    "a new one; the two cards link to each other",
    "escalate": "`/decide escalate <number> <why>` - in the decision's channel: one zone "
    "higher, its contact told",
    "help": "`/decide help` - this list",
}
USAGE_LINES["values"] = USAGE_LINES["charter"]
USAGE_LINES["feedback"] = USAGE_LINES["steward"]
USAGE_LINES["handoff"] = USAGE_LINES["edit"]
USAGE_LINES["reopen"] = USAGE_LINES["cancel"]
USAGE = escape("\n".join(dict.fromkeys(USAGE_LINES.values())))


def usage_line(subcommand: str) -> str:
    """The usage of one subcommand ("" for declaring), escaped for mrkdwn."""
    return escape(USAGE_LINES.get(subcommand, USAGE_LINES[""]))


def build_help() -> list[Block]:
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text="*Deference* makes “who decides this?” explicit: declare who has final say, "
                "then record what was decided and why."
            )
        ),
        SectionBlock(text=MarkdownTextObject(text=USAGE)),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="On a decision card, *Record resolution* closes it; its ⋯ menu edits, "
                    "hands on, cancels or supersedes it, and a decided card can be reopened. "
                    "A message's ⋮ menu → *Decide on this* starts a decision from any message."
                )
            ]
        ),
    ]


def build_error(problem: str, *, usage: str | None = None) -> list[Block]:
    """A mistake said plainly; with ``usage`` (a subcommand, "" for declaring) the one usage
    line that applies and where the rest are, never the whole help."""
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=f":warning: {truncate(problem, 2900)}"))
    ]
    if usage is not None:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=usage_line(usage))))
        blocks.append(
            ContextBlock(elements=[MarkdownTextObject(text="`/decide help` lists every command.")])
        )
    return blocks


def build_notice(message: str) -> list[Block]:
    return [SectionBlock(text=MarkdownTextObject(text=truncate(message, 3000)))]


def _log_line(decision: Decision) -> str:
    title = escape(truncate(decision.title, 150))
    linked = f"<{decision.permalink}|{title}>" if decision.permalink else f"*{title}*"
    line = f"{linked}\n{STATUS_BADGE[decision.status]} · decider {user(decision.decider_id)}"
    line += f" · opened {date(decision.created_at, '{date_short}')}"
    if decision.decided_at:
        line += f" · decided {date(decision.decided_at, '{date_short}')}"
    if decision.outcome:
        line += f" · outcome: {OUTCOMES.get(decision.outcome, decision.outcome).lower()}"
    # A superseded decision's resolution no longer holds: say which decision replaced it.
    if decision.superseded_by_id is not None:
        replaced_by = decision_link(decision.superseded_by_id, decision.superseded_by_link)
        line += f" · superseded by {replaced_by}"
    if decision.supersedes_id is not None:
        line += f" · replaces {decision_link(decision.supersedes_id, decision.supersedes_link)}"
    if decision.resolution:
        line += f"\n>{escape(truncate(decision.resolution, 200))}"
    return line


def _how_many(total: int) -> str:
    return f"more than {LOG_COUNT_CAP:,}" if total > LOG_COUNT_CAP else str(total)


def build_log_results(decisions: Sequence[Decision], words: str, total: int) -> list[Block]:
    """One section per decision; the page size keeps it far below the 50-block cap."""
    query = f" matching “{escape(words)}”" if words else ""
    if not decisions:
        hint = " Try fewer words." if words else " Start one with `/decide <title> @person`."
        return build_notice(f"No decisions{query} yet.{hint}")
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=f":card_index_dividers: *Decision log*{query}"))
    ]
    blocks.extend(
        SectionBlock(text=MarkdownTextObject(text=_log_line(decision))) for decision in decisions
    )
    if total > len(decisions):
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=f"Showing the newest {len(decisions)} of {_how_many(total)}. "
                        "Add words to narrow the search, or export the whole log with "
                        "`deference-bot export`."
                    )
                ]
            )
        )
    return blocks
