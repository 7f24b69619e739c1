"""The App Home tab: what waits for me, what the team decided, and how the team decides.

Every list is capped and says how many more there are (past 1,000, "more than 1,000"), so the
view stays far below Slack's 100-block limit whatever the size of the log.
"""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from app import ids
from app.blocks.cards import STATUS_BADGE
from app.blocks.lifecycle import lifecycle_menu
from app.blocks.stats import build_stats
from app.blocks.text import date, escape, truncate, user
from app.db.models import Decision
from app.domain.home import COUNT_CAP, DomainHolder, Home, HomeData, Page, RotationLead
from app.domain.insight import Insight
from app.domain.metrics import Dashboard


def _title(decision: Decision) -> str:
    title = escape(truncate(decision.title, 150))
    return f"<{decision.permalink}|{title}>" if decision.permalink else f"*{title}*"


def _more(page: Page, what: str) -> list[Block]:
    if page.more <= 0:
        return []
    how_many = f"more than {COUNT_CAP:,}" if page.capped else f"{page.more:,}"
    text = f"…and {how_many} more {what}. `/decide log` finds any of them."
    return [ContextBlock(elements=[MarkdownTextObject(text=text)])]


def _mine(decision: Decision) -> SectionBlock:
    due = f" · due {date(decision.deadline)}" if decision.deadline else ""
    return SectionBlock(
        text=MarkdownTextObject(text=f"{_title(decision)}\n{STATUS_BADGE[decision.status]}{due}"),
        accessory=ButtonElement(
            text="Record resolution", action_id=ids.RECORD_RESOLUTION, value=str(decision.id)
        ),
    )


def _section(title: str, page: Page, empty: str, render, what: str) -> list[Block]:
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=f"*{title}*"))]
    if not page.items:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=empty)]))
        return blocks
    blocks.extend(render(item) for item in page.items)
    return blocks + _more(page, what)


def _line(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=text))


def _recent(decision: Decision) -> SectionBlock:
    """A recent decision, with its "More" menu (edit, hand on, cancel, reopen, supersede):
    the rules say who may when it is chosen."""
    return SectionBlock(
        text=MarkdownTextObject(
            text=f"{_title(decision)}\n{STATUS_BADGE[decision.status]} · decider "
            f"{user(decision.decider_id)}"
        ),
        accessory=lifecycle_menu(decision),
    )


MAX_ROWS = 8


def _holder(domain: DomainHolder) -> str:
    if domain.authority_id:
        return user(domain.authority_id)
    return "the rotation's lead" if domain.by_rotation else "_no default_"


def build_team_context(leads: list[RotationLead], domains: list[DomainHolder]) -> list[Block]:
    """Current rotation leads and who decides in each charter domain."""
    rotations = (
        "\n".join(
            f"*{escape(r.name)}* in <#{r.channel_id}>: {user(r.lead_id)}" for r in leads[:MAX_ROWS]
        )
        or "No rotations yet: `/decide rotation <name> @a @b every 2w`."
    )
    charter = (
        "\n".join(f"*{escape(d.name)}*: {_holder(d)} · {d.zone.value}" for d in domains[:MAX_ROWS])
        or "No charter domains yet: `/decide charter`."
    )
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=f"*Current rotation leads*\n{rotations}")),
        SectionBlock(text=MarkdownTextObject(text=f"*Charter*\n{charter}")),
    ]
    hidden = max(0, len(leads) - MAX_ROWS) + max(0, len(domains) - MAX_ROWS)
    if hidden:
        note = f"…and {hidden} more; `/decide rotation` and `/decide charter` list them all."
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=note)]))
    return blocks


def build_home_tab(home: Home) -> View:
    """The whole Home tab of one person, from what domain/home.py gathered."""
    return build_home(
        home.data,
        home.board,
        extra=build_team_context(home.leads, home.domains),
        insight=home.insight,
    )


def build_home(
    data: HomeData,
    board: Dashboard,
    extra: list[Block] | None = None,
    insight: Insight | None = None,
) -> View:
    blocks: list[Block] = [HeaderBlock(text="Who decides this?")]
    blocks += _section(
        "Decisions you hold", data.mine, "Nothing waits for your decision.", _mine, "decisions"
    )
    blocks += [
        DividerBlock(),
        *_section(
            "Polls waiting for your answer",
            data.polls,
            "No expertise poll is waiting for you.",
            lambda row: _line(
                f"*{escape(truncate(row[1], 150))}* · closes {date(row[0].closes_at)}"
            ),
            "polls",
        ),
    ]
    blocks += [
        DividerBlock(),
        *_section(
            "Outcomes to record",
            data.outcomes,
            "Every decision of yours old enough for a review has its outcome.",
            lambda d: _line(f"{_title(d)} · decided {date(d.decided_at, '{date_short}')}"),
            "decisions",
        ),
    ]
    blocks += [
        DividerBlock(),
        *_section(
            "The team's recent decisions",
            data.recent,
            "No decisions yet. Start one with `/decide <title> @person`.",
            _recent,
            "decisions",
        ),
    ]
    if extra:
        blocks += [DividerBlock(), *extra]
    blocks += [DividerBlock(), *build_stats(board, "the team", "last 30 days", insight)]
    return View(type="home", blocks=blocks)
