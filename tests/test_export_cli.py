"""`deference-bot export` as an operator meets it: naming the database, mistakes as one line
and a non-zero exit, and a reader that stops early (`export | head`)."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app import cli
from app.domain import decisions, names
from app.domain.decisions import Declaration


def seed(sessions, clock, count: int = 1) -> None:
    with sessions.begin() as session:
        for n in range(count):
            decisions.open_decision(
                session,
                team_id="T1",
                actor_id="U1",
                origin_key=f"o{n}",
                now=clock.now(),
                declaration=Declaration(title=f"Decision {n}", channel_id="C1", decider_id="U2"),
            )
        names.remember(session, "T1", clock.now(), people={"U2": "Bob"}, channels={"C1": "dev"})


def test_database_names_the_file_to_read(sessions, clock, database_url, capsys):
    seed(sessions, clock)
    assert cli.main(["export", "--database", database_url, "--format", "markdown"]) == 0
    text = capsys.readouterr().out
    assert "**Decider:** Bob" in text and "#dev" in text


def test_database_takes_a_plain_sqlite_path(tmp_path, capsys, _sqlite_template):
    """What the console prints: a file name, `--database console.db`."""
    shutil.copy(_sqlite_template, tmp_path / "console.db")
    assert cli.main(["export", "--database", str(tmp_path / "console.db")]) == 0
    assert capsys.readouterr().out.startswith("id,title,status,")


@pytest.mark.parametrize("how", ["--database", "DATABASE_URL"])
def test_a_sqlite_file_that_is_not_there_is_an_error_not_a_new_database(
    tmp_path, capsys, monkeypatch, how
):
    missing = tmp_path / "consol.db"
    args = ["export"]
    if how == "--database":
        args += ["--database", str(missing)]
    else:
        monkeypatch.setenv("DATABASE_URL", f"sqlite:///{missing}")
    assert cli.main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.splitlines()
    assert line.startswith(f"deference-bot: no SQLite database at {missing}: ")
    assert "--database" in line
    assert not missing.exists()


def test_an_unknown_team_is_an_error_listing_the_known_ones(sessions, clock, database_url, capsys):
    seed(sessions, clock)
    assert cli.main(["export", "--database", database_url, "--team", "T0NOPE"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        "deference-bot: --team: team T0NOPE has no data in this database (teams here: T1)"
    ]


def test_out_writes_a_file(sessions, clock, database_url, tmp_path, capsys):
    seed(sessions, clock)
    target = tmp_path / "log.csv"
    assert cli.main(["export", "--database", database_url, "--out", str(target)]) == 0
    assert capsys.readouterr().out == ""
    [row] = list(csv.DictReader(io.StringIO(target.read_text())))
    assert row["decider"] == "U2"


@pytest.mark.parametrize("fmt", ["csv", "html"])
def test_an_out_that_cannot_be_written_is_one_line(
    sessions, clock, database_url, tmp_path, capsys, fmt
):
    seed(sessions, clock)
    (tmp_path / "taken").write_text("a file")
    target = tmp_path / "taken" / "log" if fmt == "csv" else tmp_path / "taken"
    args = ["export", "--database", database_url, "--format", fmt, "--out", str(target)]
    assert cli.main(args) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(f"deference-bot: --out: cannot write {tmp_path / 'taken'}")


def test_html_needs_a_folder(capsys):
    with pytest.raises(SystemExit) as stopped:
        cli.main(["export", "--format", "html"])
    assert stopped.value.code == 2
    assert "--out DIR" in capsys.readouterr().err


@pytest.mark.slow
def test_a_reader_that_stops_early_ends_the_export_quietly(sessions, clock, tmp_path: Path):
    """`deference-bot export | head -n 2`: the pipe closes under the export; no traceback."""
    seed(sessions, clock, count=3000)
    database = tmp_path / "deference.db"
    if not database.exists():
        pytest.skip("the SQLite run shows it; the pipe does not depend on the database")
    export = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "app", "export", "--database", str(database)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    )
    assert export.stdout is not None
    head = [export.stdout.readline() for _ in range(2)]
    export.stdout.close()  # what `head` does once it has its lines
    assert export.stderr is not None
    err = export.stderr.read()
    export.wait(timeout=60)
    assert head[0].startswith(b"id,title,status,")
    assert export.returncode == cli.SIGPIPE_EXIT
    assert err == b"", err.decode()
