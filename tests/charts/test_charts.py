"""Charts are real PNGs of a sensible size, with or without data."""

from __future__ import annotations

import ast
import struct
from datetime import date
from pathlib import Path

import pytest

from app import charts

PNG = b"\x89PNG\r\n\x1a\n"


def size(png: bytes) -> tuple[int, int]:
    assert png[:8] == PNG, "not a PNG"
    assert png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


WEEKS = [(date(2026, 11, 2), 5.5, 3), (date(2026, 11, 9), 2.0, 6), (date(2026, 11, 16), 8.25, 2)]
DECIDERS = [("alice", 9), ("bob", 4), ("carol", 1)]
OUTCOMES = {"expertise": {"worked": 4, "mixed": 1}, "not stated": {"not reviewed": 3}}


@pytest.mark.parametrize(
    ("draw", "data"),
    [
        (charts.velocity_chart, WEEKS),
        (charts.deciders_chart, DECIDERS),
        (charts.outcomes_chart, OUTCOMES),
        (charts.velocity_chart, []),
        (charts.deciders_chart, []),
        (charts.outcomes_chart, {}),
    ],
)
def test_each_chart_is_an_800_by_450_png(draw, data):
    png = draw(data, "#platform")
    assert size(png) == (800, 450)
    assert 5_000 < len(png) < 500_000


def test_charts_differ_with_their_data():
    assert charts.deciders_chart(DECIDERS, "x") != charts.deciders_chart(DECIDERS[:1], "x")


def module_level_imports(tree: ast.Module) -> list[ast.stmt]:
    """Import statements that run when the module is imported (not in a function, not only
    for the type checker)."""
    found, pending = [], list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        elif isinstance(node, ast.If) and ast.unparse(node.test) != "TYPE_CHECKING":
            pending += node.body + node.orelse
        elif isinstance(node, ast.Try):
            pending += node.body + node.orelse + node.finalbody
            pending += [stmt for handler in node.handlers for stmt in handler.body]
    return found


def imported_names(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.ImportFrom):
        return [node.module or ""]
    return [alias.name for alias in node.names]


def test_matplotlib_is_imported_only_where_a_chart_is_drawn():
    """Importing matplotlib takes about a second: the bot's start and the tests that draw no
    chart must not pay for it, so no module of app/ imports it at module level."""
    app = Path(__file__).resolve().parents[2] / "app"
    eager = [
        f"{path.relative_to(app.parent)}:{node.lineno}"
        for path in sorted(app.rglob("*.py"))
        if "matplotlib" in path.read_text()
        for node in module_level_imports(ast.parse(path.read_text()))
        if any(name.split(".")[0] == "matplotlib" for name in imported_names(node))
    ]
    assert eager == []


def test_the_import_reader_sees_what_runs_at_import_time():
    source = (
        "import matplotlib\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from matplotlib.figure import Figure\n"
        "try:\n"
        "    from matplotlib import pyplot\n"
        "except ImportError:\n"
        "    pass\n"
        "def draw():\n"
        "    from matplotlib.figure import Figure\n"
    )
    lines = sorted(node.lineno for node in module_level_imports(ast.parse(source)))
    assert lines == [1, 2, 6]


# -- the insight charts: shadow authority, calibration, participation ------------------------

from app.charts import insight  # noqa: E402
from app.domain.calibration import calibrate  # noqa: E402

AUTHORITY = [
    (date(2026, 11, 2), {"both": 1, "charter": 2, "expert": 0, "neither": 1}),
    (date(2026, 11, 9), {"both": 0, "charter": 1, "expert": 2, "neither": 3}),
]
BOB = calibrate("bob", {50: [0.0], 60: [1.0], 70: [0.5], 80: [0.0], 90: [1.0]})
CALIBRATION = [("bob", BOB.bins, BOB.forecasts, BOB.brier)]
VOICES = [("alice", 3, 6), ("bob", 4, 6), ("erin", 1, 6)]


@pytest.mark.parametrize(
    ("draw", "data"),
    [
        (lambda d: insight.alignment_chart(d, "#platform"), AUTHORITY),
        (lambda d: insight.alignment_chart(d, "#platform"), []),
        (lambda d: insight.calibration_chart(d, "#platform", 5), CALIBRATION),
        (lambda d: insight.calibration_chart(d, "#platform", 5), []),
        (lambda d: insight.participation_chart(d, "#platform", 6), VOICES),
        (lambda d: insight.participation_chart(d, "#platform", 0), []),
    ],
)
def test_each_insight_chart_is_an_800_by_450_png(draw, data):
    png = draw(data)
    assert size(png) == (800, 450)
    assert 5_000 < len(png) < 500_000


def test_insight_charts_differ_with_their_data():
    assert insight.participation_chart(VOICES, "x", 6) != insight.participation_chart(
        VOICES[:1], "x", 6
    )
    assert insight.alignment_chart(AUTHORITY, "x") != insight.alignment_chart(AUTHORITY[:1], "x")


def test_insight_charts_count_in_whole_numbers_and_name_their_axes():
    authority = insight.draw_alignment(AUTHORITY, "x").axes[0]
    voices = insight.draw_participation(VOICES, "x", 6).axes[0]
    calibration = insight.draw_calibration(CALIBRATION, "x", 5).axes[0]
    for ax, counts in ((authority, authority.yaxis), (voices, voices.xaxis)):
        ticks = counts.get_major_locator().tick_values(0, 6)
        assert all(float(t).is_integer() for t in ticks)
        assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    assert calibration.get_xlabel().startswith("Stated confidence")
    assert [t.get_text() for t in voices.get_yticklabels()] == ["erin", "bob", "alice"]
    # Colour-blind safe: Okabe-Ito colours, and a hatch besides the colour for each stack
    faces = {p.get_facecolor()[:3] for p in authority.patches}
    assert len(faces) == 4 and len({p.get_hatch() for p in authority.patches}) == 4
