"""The names the bot has seen: stored per team, the directory's outranking a payload's, mentions
written out for readers outside Slack, and a memo that writes only what changed."""

from __future__ import annotations

import logging

from sqlalchemy import event, inspect

from app.db.models import KnownName
from app.domain import names
from app.domain.names import NameBook, NameMemo


def book(sessions, team="T1") -> NameBook:
    with sessions() as session:
        return names.name_book(session, team)


def test_names_are_kept_per_team(sessions, clock):
    with sessions.begin() as session:
        names.remember(session, "T1", clock.now(), people={"U1": "carol"}, channels={"C1": "dev"})
        names.remember(session, "T2", clock.now(), people={"U1": "someone else"})
    assert book(sessions).person("U1") == "carol"
    assert book(sessions).channel("C1") == "#dev"
    assert book(sessions, "T2").person("U1") == "someone else"
    assert book(sessions, "T3").person("U1") == "U1", "unknown: the id, never another team's"
    assert book(sessions).channel("C9") == "#C9"


def test_the_directory_outranks_what_payloads_show(sessions, clock):
    with sessions.begin() as session:
        names.remember(session, "T1", clock.now(), people={"U1": "carol.h"})
        names.remember(
            session, "T1", clock.now(), people={"U1": "Carol Hughes"}, source=names.DIRECTORY
        )
        assert names.remember(session, "T1", clock.now(), people={"U1": "carol.h"}) == 0
    assert book(sessions).person("U1") == "Carol Hughes"
    with sessions.begin() as session:  # a renamed person: the directory says so
        names.remember(session, "T1", clock.now(), people={"U1": "Carol"}, source=names.DIRECTORY)
    assert book(sessions).person("U1") == "Carol"


def test_the_table_records_no_time_and_no_order():
    """A name row must not be lined up with an anonymous answer's time (app.domain.anonymity)."""
    columns = {column.name for column in inspect(KnownName).columns}
    assert columns == {"team_id", "kind", "slack_id", "name", "source"}


def test_a_command_shows_its_sender_channel_and_escaped_mentions():
    people, channels = names.seen_in_command(
        "U1", "alice", "C1", "platform", "Pick the DB <@U2|bob> <#C3|ops> <@U4> <!here>"
    )
    assert people == {"U1": "alice", "U2": "bob"}
    assert channels == {"C1": "platform", "C3": "ops"}
    for unnamed in ("directmessage", "privategroup", "mpdm-a--b-1"):
        assert names.seen_in_command("U1", "alice", "D1", unnamed, "")[1] == {}


def test_profiles_give_the_name_slack_shows():
    profile = {"name": "c", "profile": {"display_name": "", "real_name": "C H"}}
    assert names.person_name(profile) == "C H"
    assert names.person_name({"name": "c", "profile": {"display_name": " Carol\n"}}) == "Carol"
    assert names.person_name(None) is None
    assert names.channel_name({"name": "dev", "is_im": False}) == "dev"
    assert names.channel_name({"is_im": True, "user": "U1"}) is None


def test_mentions_are_written_out_with_names():
    known = NameBook({"U2": "Bob"}, {"C3": "ops"})
    text = "Ask <@U2> and <@U9|nina> in <#C3> or <#C8|x>, <!here> <!subteam^S1|@devs>"
    assert names.humanize(text, known) == "Ask @Bob and @nina in #ops or #x, @here @devs"
    assert names.humanize("<@U7>", known) == "@U7"
    assert names.humanize(None, known) is None


def test_the_memo_writes_once_per_change(sessions, clock):
    writes = []

    @event.listens_for(sessions.kw["bind"], "before_cursor_execute")
    def count(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("INSERT INTO KNOWN_NAMES"):
            writes.append(statement)

    try:
        memo = NameMemo(sessions, clock)
        for _ in range(3):
            memo.saw("T1", people={"U1": "alice"}, channels={"C1": "dev"})
        assert len(writes) == 2
        memo.saw_profile("T1", "U1", {"name": "alice", "profile": {"display_name": "Alice"}})
        memo.saw("T1", people={"U1": "alice"})  # the handle again: the directory's name stays
        memo.saw_channel("T1", "C1", {"name": "dev-team"})
        assert len(writes) == 4
    finally:
        event.remove(sessions.kw["bind"], "before_cursor_execute", count)
    assert (book(sessions).person("U1"), book(sessions).channel("C1")) == ("Alice", "#dev-team")


def test_a_database_that_cannot_take_names_does_not_fail_the_request(clock, tmp_path, caplog):
    from app.db.engine import make_engine, make_session_factory

    # Its own level: a console test earlier in the run leaves the root logger at ERROR.
    caplog.set_level(logging.WARNING, logger="app.domain.names")
    engine = make_engine(f"sqlite:///{tmp_path / 'missing' / 'folder' / 'bot.db'}")
    try:
        memo = NameMemo(make_session_factory(engine), clock)
        memo.saw("T1", people={"U1": "alice"})  # no exception
        memo.saw("T1", people={"U1": "alice"})
    finally:
        engine.dispose()
    warnings = [r.getMessage() for r in caplog.records if r.name == "app.domain.names"]
    assert len(warnings) == 2, "not remembered as written: tried again when next seen"
    assert "alice" not in " ".join(warnings)
