"""Charts people can read at a glance, rendered to PNG with matplotlib's headless backend.

Pure: figures in, PNG bytes out. Titles and labelled axes on every chart, people's names (never
ids), and the Okabe-Ito palette, which stays distinct for the common kinds of colour blindness.

matplotlib is imported by `_figure()`, when a chart is drawn: it takes about a second to import,
and the bot starts (and most tests run) without ever drawing one.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
OUTCOME_ORDER = ("worked", "mixed", "did_not_work", "too_early", "not reviewed")
# Okabe-Ito colours chosen for meaning: blue good, orange mixed, vermillion bad, grey unknown.
OUTCOME_COLOURS = {
    "worked": "#0072B2",
    "mixed": "#E69F00",
    "did_not_work": "#D55E00",
    "too_early": "#56B4E9",
    "not reviewed": "#999999",
}
OUTCOME_LABELS = {
    "worked": "Worked",
    "mixed": "Mixed",
    "did_not_work": "Did not work",
    "too_early": "Too early to tell",
    "not reviewed": "Not reviewed yet",
}
SIZE = (8, 4.5)  # inches; at 100 dpi an 800 x 450 image, readable in a Slack thread
DPI = 100


def _figure() -> tuple[Figure, Axes]:
    """A figure of its own, outside pyplot: no display, and nothing kept in pyplot's global
    registry of open figures (matplotlib's advice for web servers)."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=SIZE)
    return figure, figure.subplots()


def _png(figure: Figure) -> bytes:
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)  # a figure without a canvas draws with Agg
    return buffer.getvalue()


def _empty(ax, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=12, transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])


def velocity_chart(weeks: Sequence[tuple[date, float, int]], where: str) -> bytes:
    """Median hours from opened to decided, week by week, with how many were decided."""
    figure, ax = _figure()
    ax.set_title(f"Decision velocity in {where}: median time to decide, by week")
    if not weeks:
        _empty(ax, "No decisions were decided in this period.")
        return _png(figure)
    days = [week for week, _, _ in weeks]
    hours = [median for _, median, _ in weeks]
    ax.plot(days, hours, marker="o", color=OKABE_ITO[0], linewidth=2)
    for day, value, count in weeks:
        ax.annotate(
            f"{count}",
            (day, value),
            textcoords="offset points",
            xytext=(0, 7),
            ha="center",
            fontsize=8,
            color="#444444",
        )
    ax.set_xticks(days, [day.strftime("%d %b") for day in days])
    ax.set_xlabel("Week starting (numbers: decisions decided that week)")
    ax.set_ylabel("Median hours to decide")
    ax.set_ylim(bottom=0)
    ax.grid(axis="y", alpha=0.3)
    return _png(figure)


def deciders_chart(rows: Sequence[tuple[str, int]], where: str) -> bytes:
    """Decisions per decider, most first: concentration of authority at a glance."""
    figure, ax = _figure()
    ax.set_title(f"Who decides in {where}: decisions per decider")
    if not rows:
        _empty(ax, "No decisions with a decider in this period.")
        return _png(figure)
    names = [name for name, _ in rows][::-1]
    counts = [count for _, count in rows][::-1]
    ax.barh(names, counts, color=OKABE_ITO[0])
    for y, count in enumerate(counts):
        ax.text(count, y, f" {count}", va="center", fontsize=9)
    ax.set_xlabel("Decisions")
    ax.set_ylabel("Decider")
    ax.grid(axis="x", alpha=0.3)
    return _png(figure)


def outcomes_chart(table: dict[str, dict[str, int]], where: str) -> bytes:
    """How decisions turned out, per framework, as stacked bars."""
    figure, ax = _figure()
    ax.set_title(f"Outcomes by framework in {where}")
    if not table:
        _empty(ax, "No decided decisions in this period.")
        return _png(figure)
    frameworks = sorted(table)
    bottoms = [0] * len(frameworks)
    for colour, outcome in zip(OKABE_ITO, OUTCOME_ORDER, strict=False):
        values = [table[f].get(outcome, 0) for f in frameworks]
        if any(values):
            ax.bar(frameworks, values, bottom=bottoms, color=colour, label=OUTCOME_LABELS[outcome])
            bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
    ax.set_xlabel("How the decider was chosen")
    ax.set_ylabel("Decided decisions")
    ax.legend(loc="upper right", fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    return _png(figure)
