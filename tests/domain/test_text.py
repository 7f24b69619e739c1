"""app.domain.text.clean: what free text looks like before it is stored."""

from __future__ import annotations

import pytest

from app.domain.text import clean


@pytest.mark.parametrize("empty", [None, "", "   ", "\x00\x07"])
def test_nothing_worth_storing_becomes_the_empty_string(empty):
    assert clean(empty) == ""


def test_control_characters_go_but_lines_and_tabs_stay():
    assert clean("Post\x00gres\x1b[31m\x7f 16\nWe run it\talready") == (
        "Postgres[31m 16\nWe run it\talready"
    )


def test_single_line_collapses_every_run_of_whitespace():
    assert clean("  Pick\nthe \t billing\r\n database  ", single_line=True) == (
        "Pick the billing database"
    )


def test_an_accent_typed_two_ways_is_stored_one_way():
    composed, decomposed = "Caf\u00e9", "Cafe\u0301"
    assert composed != decomposed
    assert clean(decomposed) == clean(composed) == "Caf\u00e9"
    assert len(clean(decomposed)) == 4


def test_the_ends_are_trimmed_but_inner_spacing_kept_on_multiple_lines():
    assert clean("\n  first line\n\n  second  \n") == "first line\n\n  second"
