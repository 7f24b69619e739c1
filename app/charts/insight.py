"""The charts of shadow authority, calibration and participation: same standards as the others
(titles, people's names in any script, labelled axes, whole-number ticks on counts, the
Okabe-Ito palette with a second cue besides colour: hatching or marker shape). Each `draw_*`
returns the Figure, so tests read what was drawn; `*_chart` renders it with app.charts.png.
matplotlib is imported only when a chart is drawn (through app.charts._figure)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from app.charts import OKABE_ITO, _empty, _figure, _whole_numbers, png

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from app.domain.calibration import Bin

# Decided by: colours and hatches kept apart for the common kinds of colour blindness.
ALIGNMENT_KINDS = (
    ("both", "Charter's authority, also the poll's expert", OKABE_ITO[0], ""),
    ("charter", "Charter's authority", OKABE_ITO[5], ".."),
    ("expert", "Poll's expert", OKABE_ITO[2], "//"),
    ("neither", "Neither", OKABE_ITO[3], "xx"),
)
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def draw_alignment(weeks: Sequence[tuple[date, dict[str, int]]], where: str) -> Figure:
    """Decisions where the charter or a poll named someone, week by week, by who decided."""
    figure, ax = _figure()
    total = sum(sum(counts.values()) for _, counts in weeks)
    ax.set_title(f"Shadow authority in {where}: who decided, by week ({total} decisions)")
    if not weeks:
        _empty(ax, "No decisions where the charter or a poll named someone.")
        return figure
    labels = [week.strftime("%d %b") for week, _ in weeks]
    bottoms = [0] * len(weeks)
    for kind, label, colour, hatch in ALIGNMENT_KINDS:
        values = [counts.get(kind, 0) for _, counts in weeks]
        if any(values):
            ax.bar(
                labels,
                values,
                bottom=bottoms,
                color=colour,
                hatch=hatch,
                edgecolor="white",
                label=label,
            )
            bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
    ax.set_xlabel("Week starting")
    ax.set_ylabel("Decisions decided")
    _whole_numbers(ax.yaxis)
    ax.legend(loc="upper left", fontsize=8, title="Decided by", title_fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    return figure


def draw_calibration(
    series: Sequence[tuple[str, Sequence[Bin], int, float]], where: str, forecasts: int
) -> Figure:
    """Stated confidence against how often it worked, one line per (name, bins, forecasts,
    Brier score), a person or a domain; the diagonal is a perfectly calibrated forecaster.
    `forecasts`: the shared, reviewed forecasts in the period, for the title."""
    figure, ax = _figure()
    ax.set_title(f"Calibration in {where}: confidence against outcome ({forecasts} forecasts)")
    if not series:
        _empty(ax, "Nobody has enough reviewed forecasts shared yet.")
        return figure
    ax.plot([50, 100], [50, 100], linestyle="--", color="#999999", label="Perfectly calibrated")
    for index, (name, bins, count, brier) in enumerate(series):
        ax.plot(
            [b.stated * 100 for b in bins],
            [b.observed * 100 for b in bins],
            marker=MARKERS[index % len(MARKERS)],
            color=OKABE_ITO[index % len(OKABE_ITO)],
            linewidth=2,
            label=f"{name}: Brier {brier:.2f}, {count} forecasts",
        )
        for b in bins:  # how many forecasts each point rests on
            ax.annotate(
                f"{b.forecasts}",
                (b.stated * 100, b.observed * 100),
                textcoords="offset points",
                xytext=(0, 7),
                ha="center",
                fontsize=8,
                color="#444444",
            )
    ax.set_xlim(48, 100)
    ax.set_ylim(0, 102)
    ax.set_xlabel("Stated confidence that it works out (%) (numbers: forecasts at each point)")
    ax.set_ylabel("How often it worked (%, mixed counts half)")
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(alpha=0.3)
    return figure


def draw_participation(rows: Sequence[tuple[str, int, int]], where: str, asks: int) -> Figure:
    """Per person (name, answered, asked): who answers the polls and checks they are asked."""
    figure, ax = _figure()
    ax.set_title(f"Whose voice is heard in {where} ({asks} polls and consensus checks)")
    if not rows:
        _empty(ax, "No polls or consensus checks in this period.")
        return figure
    names = [name for name, _, _ in rows][::-1]
    answered = [a for _, a, _ in rows][::-1]
    asked = [k for _, _, k in rows][::-1]
    positions = range(len(names))
    ax.barh(
        [p + 0.2 for p in positions], asked, height=0.4, color=OKABE_ITO[1], hatch="//",
        edgecolor="white", label="Asked",
    )  # fmt: skip
    ax.barh(
        [p - 0.2 for p in positions], answered, height=0.4, color=OKABE_ITO[0], label="Answered"
    )
    ax.set_yticks(list(positions), names)
    ax.set_xlabel("Polls and consensus checks")
    ax.set_ylabel("Person")
    _whole_numbers(ax.xaxis)
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    return figure


def alignment_chart(weeks: Sequence[tuple[date, dict[str, int]]], where: str) -> bytes:
    return png(draw_alignment(weeks, where))


def calibration_chart(
    series: Sequence[tuple[str, Sequence[Bin], int, float]], where: str, forecasts: int
) -> bytes:
    return png(draw_calibration(series, where, forecasts))


def participation_chart(rows: Sequence[tuple[str, int, int]], where: str, asks: int) -> bytes:
    return png(draw_participation(rows, where, asks))
