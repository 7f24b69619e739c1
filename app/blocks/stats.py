"""The figures of `/decide stats` and the Home dashboard, each with one sentence on its meaning."""

from __future__ import annotations

from datetime import timedelta

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from app.blocks.insight import build_insight
from app.domain.insight import Insight
from app.domain.metrics import LOAD_LIMIT, Dashboard

MOST_AUTHORITY = 0.5  # top decider's share above which the bot says so plainly


def duration(value: timedelta | None) -> str:
    if value is None:
        return "—"
    hours = value.total_seconds() / 3600
    if hours < 1:
        return f"{max(1, round(hours * 60))} min"
    if hours < 48:
        return f"{hours:.1f} h"
    return f"{hours / 24:.1f} days"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


def figures(board: Dashboard) -> list[str]:
    """One line per figure: the number, then what it means."""
    v, c = board.velocity, board.concentration
    lines = [
        f"*Decisions opened:* {board.opened}; *decided:* {v.decided}",
        f"*Decision velocity:* median {duration(v.median)}, 90% within {duration(v.p90)}. "
        "How long a question waits for an answer once it is asked.",
        f"*Authority concentration:* top decider {percent(c.top_share)} of decisions, Gini "
        f"{'—' if c.gini is None else f'{c.gini:.2f}'}. 0 means authority is spread evenly; "
        "near 1, one person decides everything.",
        f"*Deferring to expertise:* {percent(board.expertise_share)} of decisions went to the "
        "person a poll or the team judged knew most.",
        f"*Settled by a tiebreaker:* {percent(board.tiebreaker_share)} of decisions went to "
        "whoever the pre-agreed rule named when a poll tied or a deadline passed.",
    ]
    if board.formal_lead_share is not None:
        lines.append(
            f"*Formal leads:* {percent(board.formal_lead_share)} of decisions were decided by a "
            "formal lead; the rest went to the people closest to the work."
        )
    lines += [
        f"*Escalation rate:* {percent(board.escalation_rate)} of decisions left the local zone. "
        "Rare is healthy: most calls should be made where the information is.",
        f"*Consensus objections:* {board.objections}. Each one reopened the choice of decider.",
        _load(board),
        f"*Outcome reviews:* {percent(board.outcome_coverage)} of decided decisions have an "
        f"outcome; {percent(board.worked_share)} of those worked. Without this, nobody learns "
        "whose calls turn out well.",
        "*Expertise polls:* "
        + (
            f"{board.polls} closed, {board.poll_responses:.1f} responses each on average."
            if board.polls
            else "none closed in this period."
        ),
    ]
    return lines


def _load(board: Dashboard) -> str:
    if not board.open_load:
        return "*Load (open decisions per person):* nobody holds an open decision."
    who, count = board.open_load[0]
    return (
        f"*Load (open decisions per person):* highest <@{who}> with {count}; "
        f"{len(board.open_load)} people hold at least one. Above {LOAD_LIMIT}, decisions wait "
        "on one person and that person burns out."
    )


def warnings(board: Dashboard) -> list[str]:
    found = []
    c = board.concentration
    if c.top_share is not None and c.top_share > MOST_AUTHORITY and c.decisions >= 4:
        who = c.by_decider[0][0]
        found.append(
            f":warning: <@{who}> holds {percent(c.top_share)} of the decisions. Consider "
            "deferring more to others who know the area: one person deciding everything is a "
            "bottleneck and a burnout risk."
        )
    for who, count in board.overloaded[:5]:
        found.append(
            f":warning: <@{who}>'s load is {count} open decisions (more than {LOAD_LIMIT}). "
            "Close some, or hand some to someone else."
        )
    return found


def build_stats(
    board: Dashboard, where: str, period: str, insight: Insight | None = None
) -> list[Block]:
    blocks: list[Block] = [
        HeaderBlock(text=f"How {where} decides ({period})"),
        SectionBlock(text=MarkdownTextObject(text="\n".join(figures(board)))),
        *(build_insight(insight) if insight is not None else []),
    ]
    alerts = warnings(board)
    if alerts:
        blocks.append(SectionBlock(text=MarkdownTextObject(text="\n".join(alerts))))
    top = board.concentration.by_decider[:5]
    if top:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text="Most decisions: " + ", ".join(f"<@{who}> {n}" for who, n in top)
                    )
                ]
            )
        )
    return blocks
