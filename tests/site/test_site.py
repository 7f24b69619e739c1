"""The decision-log site's files, read as a parser reads them: every page there, names instead
of Slack ids, links back to Slack, and no user text that becomes markup or script."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from app.db.engine import make_engine, make_session_factory
from app.domain import decisions
from app.domain.clock import ManualClock
from app.domain.decisions import Declaration
from app.exporting import UnknownTeam
from app.site import write_site
from tests.site.seed import HOSTILE, TEAM, seed_week


class Page(HTMLParser):
    """The tags, attributes and text of one page."""

    def __init__(self, source: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(source)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


def pages(folder: Path) -> dict[str, Page]:
    return {
        str(path.relative_to(folder)): Page(path.read_text(encoding="utf-8"))
        for path in sorted(folder.rglob("*.html"))
    }


@pytest.fixture(scope="module")
def built(_sqlite_template, tmp_path_factory) -> Iterator[tuple[Path, dict[str, int]]]:
    """One site for the tests that only read it (drawing its charts takes a second). The
    domain reads behind it run on PostgreSQL too, in the tests below and in tests/domain."""
    folder = tmp_path_factory.mktemp("site")
    shutil.copy(_sqlite_template, folder / "log.db")
    engine = make_engine(f"sqlite:///{folder / 'log.db'}")
    clock = ManualClock(datetime(2026, 11, 23, 9, tzinfo=UTC))
    try:
        sessions = make_session_factory(engine)
        ids = seed_week(sessions, clock)
        yield write_site(sessions, folder / "site", now=clock.now()), ids
    finally:
        engine.dispose()


def test_the_site_has_an_index_a_page_per_decision_the_charter_and_charts(built):
    index, ids = built
    folder = index.parent
    assert index == folder / "index.html"
    found = pages(folder)
    assert set(found) == {"index.html", "charter.html", "charts.html"} | {
        f"decisions/{n}.html" for n in ids.values()
    }
    for name in ("velocity", "deciders", "outcomes"):
        assert (folder / "charts" / f"{name}.png").read_bytes()[:4] == b"\x89PNG"
    assert (folder / "site.js").exists() and (folder / "site.css").exists()
    links = {a["href"] for a in found["index.html"].all("a")}
    assert {f"decisions/{n}.html" for n in ids.values()} <= links


def test_no_page_loads_anything_from_elsewhere(built):
    """Works offline from file://: no CDN, no web font, no absolute URL but links to Slack."""
    index, _ = built
    for name, page in pages(index.parent).items():
        for tag, attrs in page.tags:
            for attribute in ("src", "href"):
                url = attrs.get(attribute) or ""
                if tag == "a" and url.startswith("https://"):
                    assert url.startswith(("https://slack.com/", "https://acme.slack.com/")), url
                else:
                    assert "//" not in url, f"{name}: {tag} {attribute}={url}"


def test_hostile_text_never_becomes_markup(built):
    index, ids = built
    for name, page in pages(index.parent).items():
        scripts = page.all("script")
        assert all(s.get("src") in ("site.js", "../site.js") for s in scripts), name
        assert len(scripts) == (1 if name == "index.html" else 0), name
        assert page.all("img") == [] or name == "charts.html", name
        for tag, attrs in page.tags:
            assert not [a for a in attrs if a.startswith("on")], f"{name}: {tag} {attrs}"
            assert not (attrs.get("href") or "").lower().startswith("javascript:"), name
    hostile = pages(index.parent)[f"decisions/{ids['evil']}.html"]
    assert HOSTILE in "".join(hostile.text), "shown as the text it is"
    assert "Open the card in Slack" not in "".join(hostile.text), (
        "a javascript: permalink is dropped"
    )


def test_people_and_channels_are_named(built):
    index, ids = built
    shown = "".join("".join(page.text) for page in pages(index.parent).values())
    data = str([attrs for page in pages(index.parent).values() for _, attrs in page.tags])
    for slack_id in ("U0ALICE", "U0BOB", "U0CAROL", "C0GENERAL", "C0PLATFORM"):
        assert slack_id not in shown, "ids only in links to Slack, never in what people read"
        assert f"'{slack_id}'" not in data, "nor in the filters' values"
    decision = "".join(pages(index.parent)[f"decisions/{ids['db']}.html"].text)
    assert "Bob (deferred by Alice)" in decision
    assert "Ask @山田 Carol in #general: she ran it before." in decision
    assert "#platform in Slack" in decision


def test_the_filters_offer_the_log_s_own_deciders_and_channels(built):
    index, _ = built
    page = Page(index.read_text(encoding="utf-8"))
    options = [attrs.get("value") for attrs in page.all("option")]
    for value in ("Alice", "Bob", "山田 Carol", "#general", "#platform", "escalated", "centre"):
        assert value in options
    items = [attrs for attrs in page.all("li") if attrs.get("class") == "decision"]
    assert [item["data-date"] for item in items] == sorted(
        (item["data-date"] for item in items), reverse=True
    ), "newest first"
    assert {item["data-zone"] for item in items} == {"local", "centre"}  # escalated: one up


@pytest.mark.slow  # draws six charts
def test_several_teams_get_a_folder_each(sessions, clock, tmp_path):
    seed_week(sessions, clock)
    with sessions.begin() as session:
        decisions.open_decision(
            session,
            team_id="T0OTHER",
            actor_id="U1",
            origin_key="x",
            now=clock.now(),
            declaration=Declaration(title="Other team's", channel_id="C1"),
        )
    index = write_site(sessions, tmp_path / "site", now=clock.now())
    listed = {a["href"] for a in Page(index.read_text()).all("a")}
    assert listed == {f"{TEAM}/index.html", "T0OTHER/index.html"}
    assert "Other team" in (tmp_path / "site" / "T0OTHER" / "index.html").read_text()
    assert "Other team" not in (tmp_path / "site" / TEAM / "index.html").read_text()
    one = write_site(sessions, tmp_path / "one", team="T0OTHER", now=clock.now())
    assert one == tmp_path / "one" / "index.html"


def test_an_unknown_team_or_an_empty_log(sessions, clock, tmp_path):
    with pytest.raises(UnknownTeam):
        write_site(sessions, tmp_path / "site", team="T0NOPE", now=clock.now())
    index = write_site(sessions, tmp_path / "empty", now=clock.now())
    assert "No decisions" in index.read_text()


@pytest.mark.slow  # draws three charts
def test_the_charts_alone_for_the_console(sessions, clock, tmp_path):
    from app.site import write_charts

    seed_week(sessions, clock)
    written = write_charts(sessions, tmp_path / "charts", now=clock.now())
    assert [p.name for p in written] == ["velocity.png", "deciders.png", "outcomes.png"]
    assert all(p.read_bytes()[:4] == b"\x89PNG" for p in written)


def test_history_words_the_bot_s_own_changes_and_hides_coded_reasons():
    from types import SimpleNamespace

    from app.domain.names import NameBook
    from app.site.data import _history
    from app.vocabulary import Status

    closed = SimpleNamespace(
        kind="poll_closed",
        actor_id="scheduler",
        at=datetime(2026, 11, 30, 9, 25, tzinfo=UTC),
        from_status=Status.OPEN,
        to_status=Status.OPEN,
        detail={"poll_id": 1, "decider": "U0ERIN", "reason": "poll"},
    )
    entry = _history(closed, NameBook({"U0ERIN": "erin"}))
    assert (entry.who, entry.what, entry.change, entry.reason) == (
        "Deference (on schedule)",
        "closed the expertise poll",
        None,
        None,
    )
    handed = SimpleNamespace(**{**vars(closed), "kind": "handed_on", "actor_id": "U0ERIN"})
    handed.detail = {"from": "U0ERIN", "to": "U0BOB", "reason": "Away <@U0BOB> next week"}
    entry = _history(handed, NameBook({"U0ERIN": "erin", "U0BOB": "Bob"}))
    assert (entry.who, entry.what, entry.reason) == (
        "erin",
        "handed it on to Bob",
        "Away @Bob next week",
    )
    unknown = SimpleNamespace(**{**vars(handed), "kind": "future_kind"})
    assert _history(unknown, NameBook()).what == "future kind"


def test_a_cancelled_decision_says_why_in_its_history(built):
    index, ids = built
    page = "".join(pages(index.parent)[f"decisions/{ids['tabs']}.html"].text)
    assert "Alice cancelled it (open → cancelled): The formatter settles it; ask @Bob" in " ".join(
        page.split()
    )


@pytest.mark.slow  # draws the charts again
def test_superseded_decisions_link_to_each_other(sessions, clock, tmp_path):
    from app.domain import lifecycle

    ids = seed_week(sessions, clock)
    with sessions.begin() as session:
        new, _, _ = lifecycle.supersede(
            session,
            team_id=TEAM,
            decision_id=ids["db"],
            declaration=Declaration(title="Managed PostgreSQL", channel_id="C0PLATFORM"),
            actor_id="U0BOB",
            origin_key="sup",
            now=clock.now(),
            reason="Replication lag",
        )
    folder = write_site(sessions, tmp_path / "site", now=clock.now()).parent
    old_page = Page((folder / "decisions" / f"{ids['db']}.html").read_text())
    new_page = Page((folder / "decisions" / f"{new.id}.html").read_text())
    assert {"href": f"{new.id}.html"} in old_page.all("a")
    assert {"href": f"{ids['db']}.html"} in new_page.all("a")
    assert "Superseded by" in "".join(old_page.text)


def test_chart_alt_text_states_each_week_in_its_own_unit():
    from datetime import date

    from app.site import velocity_alt

    text = velocity_alt([(date(2026, 11, 30), 0.05, 1), (date(2026, 12, 7), 216.0, 2)])
    assert "week of 30 Nov 2026: 3 minutes (1 decided)" in text
    assert "week of 07 Dec 2026: 9 days (2 decided)" in text
