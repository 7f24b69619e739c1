import csv
import io
import json
from datetime import timedelta

import pytest

from app.domain import decisions, escalation, lifecycle, names
from app.domain.decisions import Declaration
from app.domain.export import COLUMNS, iter_rows, team_ids
from app.exporting import UnknownTeam, export_log, write_export
from tests.domain.factories import ALICE, BOB, decide, open_decision

CONTRACT = [
    "id",
    "title",
    "status",
    "decider",
    "framework",
    "approach",
    "zone",
    "channel",
    "created_by",
    "created_at",
    "decided_at",
    "resolution",
    "rationale",
    "outcome",
]


def seed(sessions, clock):
    with sessions.begin() as session:
        open_one, _ = decisions.open_decision(
            session,
            team_id="T1",
            actor_id="U1",
            origin_key="a",
            now=clock.now(),
            declaration=Declaration(
                title='Pick the "billing", database',
                channel_id="C1",
                decider_id="U2",
                context="line one\nline two",
                domain="architecture",
                principle="Ownership: whoever is closest decides",
            ),
        )
        decisions.open_decision(
            session,
            team_id="T2",
            actor_id="U9",
            origin_key="a",
            now=clock.now(),
            declaration=Declaration(title="Other team", channel_id="C9"),
        )
    clock.advance(timedelta(hours=1))
    with sessions.begin() as session:
        decisions.record_resolution(
            session,
            team_id="T1",
            decision_id=open_one.id,
            actor_id="U2",
            resolution="Postgres",
            rationale="Known",
            now=clock.now(),
            idempotency_key="k",
        )


def export(sessions, fmt, teams=None):
    out = io.StringIO()
    with sessions() as session:
        write_export(iter_rows(session, teams or team_ids(session)), fmt, out)
    return out.getvalue()


def test_csv_has_the_contract_columns_in_order_and_iso_utc_times(sessions, clock):
    seed(sessions, clock)
    rows = list(csv.DictReader(io.StringIO(export(sessions, "csv", ["T1"]))))
    assert list(rows[0].keys())[: len(CONTRACT)] == CONTRACT
    assert tuple(rows[0].keys()) == COLUMNS
    [row] = rows
    assert row["title"] == 'Pick the "billing", database'
    assert (row["status"], row["decider"], row["channel"], row["created_by"]) == (
        "decided",
        "U2",
        "C1",
        "U1",
    )
    assert row["created_at"] == "2026-11-23T09:00:00Z"
    assert row["decided_at"] == "2026-11-23T10:00:00Z"
    assert (row["resolution"], row["rationale"], row["outcome"]) == ("Postgres", "Known", "")
    assert row["context"] == "line one\nline two"
    assert COLUMNS[COLUMNS.index("domain") + 1] == "principle"
    assert (row["domain"], row["principle"]) == (
        "architecture",
        "Ownership: whoever is closest decides",
    )


def test_export_without_team_lists_every_team_separately(sessions, clock):
    seed(sessions, clock)
    rows = list(csv.DictReader(io.StringIO(export(sessions, "csv"))))
    assert [(r["team"], r["title"]) for r in rows] == [
        ("T1", 'Pick the "billing", database'),
        ("T2", "Other team"),
    ]


def test_json_is_a_list_of_objects(sessions, clock):
    seed(sessions, clock)
    data = json.loads(export(sessions, "json", ["T1"]))
    assert data[0]["resolution"] == "Postgres" and data[0]["decider"] == "U2"
    assert json.loads(export(sessions, "json", ["nobody"])) == []


def test_markdown_has_one_adr_section_per_decision(sessions, clock):
    seed(sessions, clock)
    text = export(sessions, "markdown")
    assert text.count("\n## ") == 2
    assert "### Decision\n\nPostgres" in text
    assert "### Rationale\n\nKnown" in text
    assert "_no decider yet_" in text
    assert "No decisions recorded yet." in export(sessions, "markdown", ["nobody"])


def name_people(sessions, clock):
    with sessions.begin() as session:
        names.remember(
            session,
            "T1",
            clock.now(),
            people={"U1": "Alice", "U2": "Bob"},
            channels={"C1": "platform"},
            source=names.DIRECTORY,
        )
        names.remember(session, "T2", clock.now(), people={"U9": "Nina"})


def human(sessions, fmt, team=None):
    out = io.StringIO()
    export_log(sessions, fmt, out, team)
    return out.getvalue()


def test_markdown_names_people_and_channels_and_mentions_in_the_text(sessions, clock):
    seed(sessions, clock)
    name_people(sessions, clock)
    with sessions.begin() as session:
        decision = decisions.get_decision(session, "T1", 1)
        decision.context = "Ask <@U2> in <#C1>; <@U7|zed> knows billing"
    text = human(sessions, "markdown")
    assert "**Decider:** Bob (deferred by Alice)" in text
    assert "**Channel:** #platform · **Opened by:** Alice on 2026-11-23 09:00 UTC" in text
    assert "**Decided:** 2026-11-23 10:00 UTC" in text, "times as people read them"
    assert "Ask @Bob in #platform; @zed knows billing" in text
    assert "**Opened by:** Nina" in text, "each team's own names"
    assert "<@" not in text and "<#" not in text


def test_csv_and_json_keep_slack_ids(sessions, clock):
    """The contract: tools join on ids, so names never replace them there."""
    seed(sessions, clock)
    name_people(sessions, clock)
    [row] = list(csv.DictReader(io.StringIO(human(sessions, "csv", "T1"))))
    assert (row["decider"], row["created_by"], row["channel"]) == ("U2", "U1", "C1")
    [item] = json.loads(human(sessions, "json", "T1"))
    assert (item["decider"], item["created_by"], item["channel"]) == ("U2", "U1", "C1")


def test_an_unknown_team_is_an_error_that_lists_the_known_ones(sessions, clock):
    seed(sessions, clock)
    with pytest.raises(UnknownTeam) as caught:
        human(sessions, "json", "T404")
    assert str(caught.value) == "team T404 has no data in this database (teams here: T1, T2)"


def test_export_ends_with_supersession_and_the_reasons_for_cancel_reopen_and_escalation(
    sessions, clock
):
    with sessions.begin() as session:
        old = open_decision(session, clock.now(), team="T1")
        escalation.escalate(
            session,
            team_id="T1",
            decision_id=old.id,
            actor_id=BOB,
            reason="Touches customer data",
            now=clock.now(),
            idempotency_key="esc",
            seen_from="C1",
        )
        decide(session, old, clock.now())
        lifecycle.reopen(
            session,
            team_id="T1",
            decision_id=old.id,
            actor_id=BOB,
            reason="Price doubled",
            now=clock.now(),
            idempotency_key="re",
        )
        decide(session, old, clock.now())
        new, _, _ = lifecycle.supersede(
            session,
            team_id="T1",
            decision_id=old.id,
            declaration=Declaration(title="Pick again", channel_id="C1"),
            actor_id=ALICE,
            origin_key="sup",
            now=clock.now(),
        )
        gone = open_decision(session, clock.now(), team="T1", title="Typo")
        lifecycle.cancel(
            session,
            team_id="T1",
            decision_id=gone.id,
            actor_id=ALICE,
            reason="Opened twice",
            now=clock.now(),
            idempotency_key="ca",
        )
        ids = (old.id, new.id, gone.id)
    start = COLUMNS.index("supersedes")
    assert COLUMNS[start : start + 5] == (
        "supersedes",
        "superseded_by",
        "cancel_reason",
        "reopen_reason",
        "escalation_reason",
    )
    out = io.StringIO()
    with sessions() as session:
        write_export(iter_rows(session, ["T1"]), "csv", out)
    rows = {int(r["id"]): r for r in csv.DictReader(io.StringIO(out.getvalue()))}
    old_row, new_row, gone_row = (rows[i] for i in ids)
    assert (old_row["status"], old_row["superseded_by"]) == ("superseded", str(ids[1]))
    assert old_row["reopen_reason"] == "Price doubled"
    assert old_row["escalation_reason"] == "Touches customer data"
    assert (new_row["supersedes"], new_row["status"]) == (str(ids[0]), "open")
    assert (gone_row["status"], gone_row["cancel_reason"]) == ("cancelled", "Opened twice")
    markdown = io.StringIO()
    with sessions() as session:
        write_export(iter_rows(session, ["T1"]), "markdown", markdown)
    assert "- **Cancelled because:** Opened twice" in markdown.getvalue()


def test_markdown_keeps_hostile_text_inert_for_renderers(sessions, clock):
    """Markdown is often rendered to HTML: typed tags, autolinks and links must stay text."""
    import markdown_it

    seed(sessions, clock)
    with sessions.begin() as session:
        decision = decisions.get_decision(session, "T1", 1)
        decision.title = '<script>alert(1)</script> \\<img src=x onerror="alert(2)">'
        decision.context = "[click](javascript:alert(3)) <javascript:alert(4)>"
    text = human(sessions, "markdown", "T1")
    html = markdown_it.MarkdownIt("commonmark").render(text)
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, "shown as the text it is"


def test_a_forecast_is_exported_only_once_its_author_shared_it(sessions, clock):
    """The export is read by others: a private forecast must not reach it, a shared one does,
    and who decided by which rule and whom the charter and the poll named are there too."""
    with sessions.begin() as session:
        private = open_decision(session, clock.now(), team="T1", title="Private")
        shared = open_decision(session, clock.now(), team="T1", title="Shared")
        for decision, key, share in ((private, "p", False), (shared, "s", True)):
            decisions.record_resolution(
                session,
                team_id="T1",
                decision_id=decision.id,
                actor_id=decision.decider_id or ALICE,
                resolution="Go",
                rationale="Because",
                now=clock.now(),
                idempotency_key=key,
                forecast=decisions.Forecast(80, "It will ship by Friday", shared=share),
            )
        ids = private.id, shared.id
    assert COLUMNS[-5:] == (
        "decider_rule",
        "charter_authority",
        "poll_expert",
        "forecast",
        "forecast_confidence",
    )
    rows = {int(r["id"]): r for r in csv.DictReader(io.StringIO(export(sessions, "csv")))}
    hidden, shown = rows[ids[0]], rows[ids[1]]
    assert (hidden["forecast"], hidden["forecast_confidence"]) == ("", "")
    assert (shown["forecast"], shown["forecast_confidence"]) == ("It will ship by Friday", "80")
    as_json = {row["id"]: row for row in json.loads(export(sessions, "json"))}
    assert as_json[ids[0]]["forecast_confidence"] is None
    assert as_json[ids[1]]["forecast_confidence"] == 80
