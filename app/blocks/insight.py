"""The words for shadow authority, calibration and whose voice is heard: each figure with one
plain sentence of what it means, or, below its minimum sample, how many it has and needs."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, MarkdownTextObject, SectionBlock

from app.blocks.text import escape, truncate
from app.domain.alignment import ALIGNMENT_MIN, Alignment, DomainBypass
from app.domain.calibration import CALIBRATION_MIN, Calibration, Calibrations
from app.domain.insight import Insight
from app.domain.participation import PARTICIPATION_MIN, PEOPLE_MIN, Participation

TOP = 5


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _people(count: int) -> str:
    return f"{count} {'person' if count == 1 else 'people'}"


def alignment_lines(found: Alignment) -> list[str]:
    if not found.enough:
        return [
            "*Shadow authority:* not enough data yet. It needs "
            f"{ALIGNMENT_MIN} decided decisions where the charter or a poll named someone; "
            f"this period has {found.named}."
        ]
    lines = [
        f"*Shadow authority:* of the {_plural(found.named, 'decision')} where the charter or "
        f"a poll named someone, {_percent(found.charter_share)} were decided by the charter's "
        f"authority, {_percent(found.expert_share)} by the poll's expert (both: "
        f"{found.by_both}) and {_percent(found.neither_share)} by neither. When authority "
        "follows the team's own charter and its knowledge, the last share stays small."
    ]
    if found.outsiders:
        people = ", ".join(f"<@{who}> {n}" for who, n in found.outsiders[:TOP])
        lines.append(
            f"*Deciding outside the domains the charter gives them:* {people}. They decide "
            "calls the charter gives someone else."
        )
    if found.bypassed:
        lines.append(
            "*Charter authority most often bypassed:* "
            + ", ".join(_bypass(d) for d in found.bypassed[:TOP])
            + ". The charter says one thing, practice another."
        )
    return lines


def _bypass(domain: DomainBypass) -> str:
    return f"*{escape(truncate(domain.domain, 40))}* {domain.bypassed} of {domain.decided}"


def _score(calibration: Calibration) -> str:
    return f"{calibration.brier:.2f} ({_plural(calibration.forecasts, 'forecast')})"


def calibration_lines(found: Calibrations) -> list[str]:
    meaning = (
        "Brier score: 0 is perfect, 0.25 is what always saying 50% earns; lower means the "
        "forecaster judges well how their calls turn out."
    )
    people = [c for c in found.people if c.enough]
    domains = [c for c in found.domains if c.enough]
    lines = []
    if people or domains:
        parts = [f"<@{c.name}> {_score(c)}" for c in people[:TOP]]
        parts += [f"*{escape(truncate(c.name, 40))}* {_score(c)}" for c in domains[:TOP]]
        lines.append(f"*Calibration of shared forecasts:* {', '.join(parts)}. {meaning}")
    else:
        most = max((c.forecasts for c in found.people + found.domains), default=0)
        lines.append(
            "*Calibration:* not enough data yet. A person or a domain needs "
            f"{CALIBRATION_MIN} reviewed forecasts shared on their cards; the most anyone has "
            f"is {most}."
        )
    if found.mine is not None and found.mine.forecasts:
        mine = found.mine
        score = (
            f"Brier {_score(mine)}"
            if mine.enough
            else f"{_plural(mine.forecasts, 'reviewed forecast')}, {CALIBRATION_MIN} needed for "
            "a score"
        )
        lines.append(f"*Your own forecasts* (only you see this line): {score}.")
    return lines


def participation_lines(found: Participation) -> list[str]:
    anonymous = (
        f" Anonymous polls: {found.anonymous_polls} with {found.anonymous_ballots} ballots, "
        "counted only in total."
        if found.anonymous_polls
        else ""
    )
    if not found.enough:
        return [
            "*Whose voice is heard:* not enough data yet. It needs "
            f"{PARTICIPATION_MIN} polls and consensus checks (not anonymous) and "
            f"{PEOPLE_MIN} people taking part; this period has {found.asks} and "
            f"{_people(len(found.voices))} taking part.{anonymous}"
        ]
    voices = ", ".join(f"<@{v.user_id}> {v.answered}/{v.asked}" for v in found.voices[:8])
    lines = [
        f"*Whose voice is heard:* {found.asks} polls and consensus checks; Gini of "
        f"participation {found.gini:.2f}. 0 means everyone answers as often; near 1, a few "
        f"voices answer everything. Answered/asked: {voices}.{anonymous}"
    ]
    if found.hidden:
        people = ", ".join(
            f"<@{who}> nominated {n} times, decided {d}" for who, n, d in found.hidden[:TOP]
        )
        lines.append(
            f"*Hidden experts:* {people}. Peers name them as knowing most, yet they rarely "
            "decide: consider deferring to them."
        )
    return lines


def build_insight(found: Insight) -> list[Block]:
    """Three sections, one per question, each under Slack's 3000 characters."""
    return [
        SectionBlock(text=MarkdownTextObject(text=truncate("\n".join(lines), 3000)))
        for lines in (
            alignment_lines(found.alignment),
            calibration_lines(found.calibration),
            participation_lines(found.participation),
        )
    ]


def chart_caption(chart: str, count: int) -> str:
    """One plain sentence under each insight chart: what it shows and how many it rests on."""
    return {
        "authority": f"Shadow authority over time ({count} decisions): who decided, week by "
        "week, against whom the charter and the poll named; a growing “neither” means "
        "authority has drifted from both.",
        "calibration": f"Calibration ({count} shared, reviewed forecasts): points on the "
        "diagonal mean people are as sure as they should be; below it, too sure.",
        "participation": f"Whose voice is heard ({count} polls and consensus checks): answered "
        "against asked per person; anonymous polls are left out.",
    }[chart]


def retro_question(found: Alignment) -> str | None:
    """When decisions systematically bypass the charter, the retrospective asks about it."""
    if not found.systematic:
        return None
    domains = ", ".join(_bypass(d) for d in found.systematic[:TOP])
    return (
        f"*Does the charter still fit?* Decisions went to someone other than the charter's "
        f"authority in {domains}. Should the charter change to follow how these calls are "
        "really made, or should these calls go back to the charter's authority?"
    )
