"""What the charts draw, read from the figures themselves: colours that mean what they say,
whole-number ticks for counts, a time unit that fits, no line across empty weeks, and names in
any script. No pixel comparisons: a font or a matplotlib upgrade must not fail these."""

from __future__ import annotations

import itertools
import logging
import warnings
from datetime import date

import numpy as np
import pytest
from matplotlib import font_manager
from matplotlib.colors import to_hex
from matplotlib.ft2font import FT2Font

from app import charts
from app.charts import fonts


def bars_by_label(figure) -> dict[str, list]:
    [ax] = figure.axes
    return {container.get_label(): list(container) for container in ax.containers}


def test_outcome_colours_say_what_happened():
    figure = charts.draw_outcomes(
        {
            "expertise": {"worked": 2, "did_not_work": 1, "too_early": 1, "not reviewed": 1},
            "rotating": {"mixed": 1},
        },
        "#platform",
    )
    drawn = bars_by_label(figure)
    colour = {label: to_hex(bars[0].get_facecolor()) for label, bars in drawn.items()}
    assert colour["Did not work"] == "#d55e00"  # Okabe-Ito's vermillion: the red of the set
    red, green, blue = (int(colour["Did not work"][i : i + 2], 16) for i in (1, 3, 5))
    assert red > 2 * green and red > 2 * blue
    assert colour["Worked"] == "#0072b2"
    for neutral in ("Too early to tell", "Not reviewed yet"):
        red, green, blue = (int(colour[neutral][i : i + 2], 16) for i in (1, 3, 5))
        assert red == green == blue, f"{neutral} is a grey, not a verdict"
    assert colour["Too early to tell"] != colour["Not reviewed yet"]
    hatched = {label for label, bars in bars_by_label(figure).items() if bars[0].get_hatch()}
    assert hatched == {"Not reviewed yet"}, "the two greys differ without colour too"


def test_every_outcome_in_the_palette_is_distinct_and_named():
    assert set(charts.OUTCOME_COLOURS) == set(charts.OUTCOME_ORDER) == set(charts.OUTCOME_LABELS)
    assert len(set(charts.OUTCOME_COLOURS.values())) == len(charts.OUTCOME_COLOURS)


def test_counts_get_whole_number_ticks():
    deciders = charts.draw_deciders([("alice", 3), ("bob", 1)], "#platform")
    outcomes = charts.draw_outcomes({"expertise": {"worked": 3}, "rotating": {"mixed": 1}}, "x")
    for ticks in (deciders.axes[0].get_xticks(), outcomes.axes[0].get_yticks()):
        assert len(ticks) >= 2
        assert all(float(tick).is_integer() for tick in ticks), ticks


def test_quick_decisions_are_measured_in_minutes():
    weeks = [(date(2026, 11, 2), 0.05, 2), (date(2026, 11, 9), 0.25, 3)]
    [ax] = charts.draw_velocity(weeks, "#platform").axes
    assert ax.get_ylabel() == "Median minutes to decide"
    [line] = ax.get_lines()
    assert list(line.get_ydata()) == pytest.approx([3, 15])


@pytest.mark.parametrize(
    ("hours", "unit"), [([0.5, 1.9], "minutes"), ([2, 30], "hours"), ([10, 100], "days")]
)
def test_the_time_unit_fits_the_longest_wait(hours, unit):
    weeks = [(date(2026, 11, 2 + 7 * i), h, 1) for i, h in enumerate(hours)]
    [ax] = charts.draw_velocity(weeks, "x").axes
    assert ax.get_ylabel() == f"Median {unit} to decide"


def test_the_velocity_line_does_not_cross_weeks_without_decisions():
    weeks = [
        (date(2026, 11, 2), 5.0, 3),
        (date(2026, 11, 9), 2.0, 6),
        (date(2026, 11, 30), 8.0, 2),  # two silent weeks before it
    ]
    [ax] = charts.draw_velocity(weeks, "#platform").axes
    runs = [[mdate.toordinal() for mdate in line.get_xdata()] for line in ax.get_lines()]
    assert runs == [
        [date(2026, 11, 2).toordinal(), date(2026, 11, 9).toordinal()],
        [date(2026, 11, 30).toordinal()],
    ]


def covered(text, family_names) -> bool:
    """Whether the fonts of these families together have a glyph for every character."""
    charmaps = []
    for family in family_names:
        path = font_manager.findfont(
            font_manager.FontProperties(family=family), fallback_to_default=False
        )
        charmaps.append(FT2Font(path).get_charmap())
    return all(any(ord(char) in charmap for charmap in charmaps) for char in text if char != " ")


def test_names_in_chinese_japanese_and_korean_have_glyphs():
    assert len(fonts.families()) > 1, (
        "no CJK font found: " + fonts.INSTALL_HINT + " (.ci/run does it)"
    )
    names = [("山田 太郎", 3), ("김민준", 2), ("李雷", 1), ("Zoë", 1)]
    figure = charts.draw_deciders(names, "#开发")
    [ax] = figure.axes
    labels = [label for label in ax.get_yticklabels() if label.get_text()]
    assert {label.get_text() for label in labels} == {name for name, _ in names}
    for label in [*labels, ax.title]:
        assert covered(label.get_text(), label.get_fontfamily()), label.get_text()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        charts.png(figure)


def test_without_a_cjk_font_names_still_draw_and_one_line_says_what_to_install(monkeypatch, caplog):
    monkeypatch.setattr(fonts, "CJK", {"No Such Font": ("no-such-font.ttf",)})
    fonts.families.cache_clear()
    try:
        with caplog.at_level(logging.INFO, logger="app.charts.fonts"):
            assert fonts.families() == ("DejaVu Sans",)
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                png = charts.deciders_chart([("山田", 2)], "x")
    finally:
        fonts.families.cache_clear()
    assert png.startswith(b"\x89PNG")
    [record] = [r for r in caplog.records if r.name == "app.charts.fonts"]
    assert "fonts-noto-cjk" in record.getMessage()


def test_velocity_takes_postgresql_decimals():
    """PostgreSQL's EXTRACT(EPOCH ...) is numeric: the series arrives as Decimal there."""
    from decimal import Decimal

    weeks = [(date(2026, 11, 2), Decimal("0.5"), 1), (date(2026, 11, 9), Decimal("1.25"), 2)]
    [ax] = charts.draw_velocity(weeks, "x").axes
    [line] = ax.get_lines()
    assert list(line.get_ydata()) == pytest.approx([30, 75])


# Machado, Oliveira and Fernandes (2009): full-severity colour vision deficiencies, applied
# in linear RGB.
DEFICIENCIES = {
    "protanopia": [[0.152, 1.053, -0.205], [0.115, 0.786, 0.099], [-0.004, -0.048, 1.052]],
    "deuteranopia": [[0.367, 0.861, -0.228], [0.280, 0.673, 0.047], [-0.012, 0.043, 0.969]],
    "tritanopia": [[1.256, -0.077, -0.179], [-0.078, 0.931, 0.148], [0.005, 0.691, 0.304]],
    "typical vision": [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
}


def seen_as_lab(colour: str, deficiency) -> np.ndarray:
    """CIELAB of a colour as someone with this deficiency sees it."""
    srgb = np.array([int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    linear = np.clip(np.array(deficiency) @ linear, 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    x, y, z = (xyz @ linear) / np.array([0.95047, 1, 1.08883])
    f = [np.cbrt(v) if v > 0.008856 else 7.787 * v + 16 / 116 for v in (x, y, z)]
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


@pytest.mark.parametrize("deficiency", DEFICIENCIES)
def test_outcome_colours_stay_apart_for_colour_blind_readers(deficiency):
    """Every two outcomes differ by more than 15 ΔE (CIE76; about 2 is just noticeable)."""
    colours = charts.OUTCOME_COLOURS
    for (one, a), (other, b) in itertools.combinations(colours.items(), 2):
        distance = np.linalg.norm(
            seen_as_lab(a, DEFICIENCIES[deficiency]) - seen_as_lab(b, DEFICIENCIES[deficiency])
        )
        assert distance > 15, f"{one} and {other} look alike with {deficiency} ({distance:.1f})"
