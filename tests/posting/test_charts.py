"""The charts posted to Slack label deciders by the directory's names, and those names are kept
for the exports people read."""

from __future__ import annotations

import pytest

from app.domain import metrics, names
from app.posting.charts import render
from tests.e2e.conftest import BOB
from tests.posting.conftest import TEAM


@pytest.mark.slow  # draws three charts
def test_charts_name_deciders_and_keep_the_names(client, sessions, open_decision):
    open_decision()
    drawn = render(client, sessions, metrics.Scope(TEAM), "#general")
    assert [chart[0] for chart in drawn] == ["velocity.png", "deciders.png", "outcomes.png"]
    with sessions() as session:
        book = names.name_book(session, TEAM)
    assert book.people == {BOB: "bob"}
