"""Charts people can read at a glance, rendered to PNG with matplotlib's headless backend.

Pure: data in, PNG bytes out. Titles and labelled axes on every chart, people's names (never
ids) in any script (charts/fonts.py), and the Okabe-Ito palette, which stays distinct for the
common kinds of colour blindness. Each `draw_*` returns the matplotlib Figure, so tests read
what was drawn (colours, ticks, lines) rather than comparing pixels; `*_chart` renders it.

matplotlib is imported by `_figure()`, when a chart is drawn: it takes about a second to import,
and the bot starts (and most tests run) without ever drawing one.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from app.charts.fonts import chart_fonts

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
OUTCOME_ORDER = ("worked", "mixed", "did_not_work", "too_early", "not reviewed")
# Colours chosen for meaning, from Okabe-Ito: blue good, orange mixed, vermillion (its red) bad;
# greys for what is not known yet, the unreviewed ones hatched so they differ without colour.
OUTCOME_COLOURS = {
    "worked": "#0072B2",
    "mixed": "#E69F00",
    "did_not_work": "#D55E00",
    "too_early": "#999999",
    "not reviewed": "#E0E0E0",
}
OUTCOME_HATCHES = {"not reviewed": "//"}
OUTCOME_LABELS = {
    "worked": "Worked",
    "mixed": "Mixed",
    "did_not_work": "Did not work",
    "too_early": "Too early to tell",
    "not reviewed": "Not reviewed yet",
}
SIZE = (8, 4.5)  # inches; at 100 dpi an 800 x 450 image, readable in a Slack thread
DPI = 100
WEEK = timedelta(days=7)


def _figure() -> tuple[Figure, Axes]:
    """A figure of its own, outside pyplot: no display, and nothing kept in pyplot's global
    registry of open figures (matplotlib's advice for web servers)."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=SIZE)
    return figure, figure.subplots()


def png(figure: Figure) -> bytes:
    """The figure as an 800 x 450 PNG."""
    with chart_fonts():
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI)  # a figure without a canvas draws with Agg
    return buffer.getvalue()


def _empty(ax, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=12, transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])


def _whole_numbers(axis) -> None:
    """Counts are whole: ticks at 0, 1, 2... never 0.5."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def time_unit(hours: Sequence[float]) -> tuple[str, float]:
    """The unit a reader takes in at a glance for these durations: (name, hours per unit)."""
    longest = float(max(hours, default=0))
    if longest < 2:
        return "minutes", 1 / 60
    if longest >= 72:
        return "days", 24
    return "hours", 1


def weekly_runs(weeks: Sequence[tuple[date, float, int]]) -> list[list[tuple[date, float, int]]]:
    """Weeks split where one without decisions lies between, so no line crosses the gap."""
    runs: list[list[tuple[date, float, int]]] = []
    for week in weeks:
        if runs and week[0] - runs[-1][-1][0] == WEEK:
            runs[-1].append(week)
        else:
            runs.append([week])
    return runs


def draw_velocity(weeks: Sequence[tuple[date, float, int]], where: str) -> Figure:
    with chart_fonts():
        figure, ax = _figure()
        ax.set_title(f"Decision velocity in {where}: median time to decide, by week")
        if not weeks:
            _empty(ax, "No decisions were decided in this period.")
            return figure
        # PostgreSQL measures in Decimal, SQLite in float: plot floats.
        weeks = [(day, float(hours), count) for day, hours, count in weeks]
        unit, per = time_unit([hours for _, hours, _ in weeks])
        for run in weekly_runs(weeks):
            ax.plot(
                [day for day, _, _ in run],
                [hours / per for _, hours, _ in run],
                marker="o",
                color=OKABE_ITO[0],
                linewidth=2,
            )
        for day, hours, count in weeks:
            ax.annotate(
                f"{count}",
                (day, hours / per),
                textcoords="offset points",
                xytext=(0, 7),
                ha="center",
                fontsize=8,
                color="#444444",
            )
        days = [week for week, _, _ in weeks]
        ax.set_xticks(days, [day.strftime("%d %b") for day in days])
        ax.set_xlabel("Week starting (numbers: decisions decided that week)")
        ax.set_ylabel(f"Median {unit} to decide")
        top = max(hours / per for _, hours, _ in weeks)
        ax.set_ylim(bottom=0, top=max(1, math.ceil(top * 1.15)))
        ax.grid(axis="y", alpha=0.3)
    return figure


def draw_deciders(rows: Sequence[tuple[str, int]], where: str) -> Figure:
    with chart_fonts():
        figure, ax = _figure()
        ax.set_title(f"Who decides in {where}: decisions per decider")
        if not rows:
            _empty(ax, "No decisions with a decider in this period.")
            return figure
        names = [name for name, _ in rows][::-1]
        counts = [count for _, count in rows][::-1]
        ax.barh(range(len(names)), counts, color=OKABE_ITO[0], tick_label=names)
        for y, count in enumerate(counts):
            ax.text(count, y, f" {count}", va="center", fontsize=9)
        ax.set_xlabel("Decisions")
        ax.set_ylabel("Decider")
        _whole_numbers(ax.xaxis)
        ax.grid(axis="x", alpha=0.3)
    return figure


def draw_outcomes(table: dict[str, dict[str, int]], where: str) -> Figure:
    with chart_fonts():
        figure, ax = _figure()
        ax.set_title(f"Outcomes by framework in {where}")
        if not table:
            _empty(ax, "No decided decisions in this period.")
            return figure
        frameworks = sorted(table)
        bottoms = [0] * len(frameworks)
        for outcome in OUTCOME_ORDER:
            values = [table[f].get(outcome, 0) for f in frameworks]
            if any(values):
                ax.bar(
                    frameworks,
                    values,
                    bottom=bottoms,
                    color=OUTCOME_COLOURS[outcome],
                    hatch=OUTCOME_HATCHES.get(outcome),
                    edgecolor="#555555" if outcome in OUTCOME_HATCHES else None,
                    label=OUTCOME_LABELS[outcome],
                )
                bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
        ax.set_xlabel("How the decider was chosen")
        ax.set_ylabel("Decided decisions")
        _whole_numbers(ax.yaxis)
        ax.legend(loc="upper right", fontsize=8)
        ax.grid(axis="y", alpha=0.3)
    return figure


def velocity_chart(weeks: Sequence[tuple[date, float, int]], where: str) -> bytes:
    """Median time from opened to decided, week by week, with how many were decided."""
    return png(draw_velocity(weeks, where))


def deciders_chart(rows: Sequence[tuple[str, int]], where: str) -> bytes:
    """Decisions per decider, most first: concentration of authority at a glance."""
    return png(draw_deciders(rows, where))


def outcomes_chart(table: dict[str, dict[str, int]], where: str) -> bytes:
    """How decisions turned out, per framework, as stacked bars."""
    return png(draw_outcomes(table, where))
