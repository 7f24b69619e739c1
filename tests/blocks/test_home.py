"""How Home says what a list leaves out: exactly below the cap, "more than 1,000" past it."""

from __future__ import annotations

import json

from app.blocks.home import build_home
from app.domain.home import COUNT_CAP, HomeData, Page
from tests.blocks.test_no_ping import dashboard, decision


def _said(more: int) -> str:
    shown = [decision(f"Decision {n}") for n in range(8)]
    page = Page(shown, len(shown) + more)
    data = HomeData(mine=Page([], 0), polls=Page([], 0), outcomes=Page([], 0), recent=page)
    view = build_home(data, dashboard()).to_dict()
    return json.dumps(view["blocks"], ensure_ascii=False)


def test_a_list_below_the_cap_says_exactly_how_many_more() -> None:
    assert "…and 3 more decisions. `/decide log` finds any of them." in _said(3)
    assert "…and 1,000 more decisions." in _said(COUNT_CAP)
    assert "more than 1,000" not in _said(COUNT_CAP)


def test_a_list_past_the_cap_says_more_than_the_cap() -> None:
    said = _said(COUNT_CAP + 1)  # what the domain counts, at most, past the cap
    assert "…and more than 1,000 more decisions. `/decide log` finds any of them." in said
    assert "1,001" not in said


def test_a_whole_list_says_nothing_more() -> None:
    assert "more decisions" not in _said(0)
