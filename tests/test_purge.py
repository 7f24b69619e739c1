"""`deference-bot purge --team T`, run as the operator runs it: a subprocess on the database."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import select

from app.config import Settings
from app.db.models import Team
from app.domain import channel_schedules, decisions
from app.domain.decisions import Declaration
from app.domain.schedules import Recurrence
from app.installs import installation_store
from app.jobs.front_door import schedule_channel_job
from app.jobs.scheduler import make_scheduler
from app.purge import JOBS, team_tables

ALPHA, BETA = "T0ALPHA", "T0BETA"


def seed(engine, sessions, clock, team: str) -> None:
    rec = Recurrence(9, 30, (0, 1, 2, 3, 4), "Europe/Berlin")
    with sessions.begin() as session:
        decisions.open_decision(
            session,
            team_id=team,
            actor_id="U1",
            origin_key="a",
            now=clock.now(),
            declaration=Declaration(title=f"Pick a database for {team}", channel_id="C1"),
        )
        channel_schedules.put(
            session,
            team_id=team,
            channel_id="C1",
            kind="checkin",
            rec=rec,
            actor_id="U1",
            now=clock.now(),
        )
    store = installation_store(Settings(slack_client_id="1111.2222"), engine)
    store.save(
        Installation(
            app_id="A0001",
            team_id=team,
            user_id="U1",
            bot_token=f"xoxb-{team}",
            bot_id="B1",
            bot_user_id="UB1",
            installed_at=(clock.now() - timedelta(days=1)).timestamp(),
        )
    )
    scheduler = make_scheduler(engine)
    scheduler.start(paused=True)
    schedule_channel_job(scheduler, "checkin", team, "C1", rec)
    scheduler.shutdown(wait=False)


def snapshot(engine, team: str) -> dict[str, list]:
    with engine.connect() as connection:
        found = {
            t.name: sorted(map(repr, connection.execute(select(t).where(t.c.team_id == team))))
            for t in team_tables()
        }
        found["teams"] = list(connection.execute(select(Team.id).where(Team.id == team)))
        jobs = connection.execute(select(JOBS.c.id)).scalars()
        found["jobs"] = sorted(j for j in jobs if f":{team}:" in j)
    return found


def purge(database_url: str, *args: str, answer: str | None = None):
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["DATABASE_URL"] = database_url
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "app", "purge", *args],
        env=env,
        input=answer,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.slow  # a real CLI subprocess each time
def test_purge_deletes_one_team_after_confirmation(database_url, engine, sessions, clock):
    seed(engine, sessions, clock, ALPHA)
    seed(engine, sessions, clock, BETA)
    beta_before = snapshot(engine, BETA)
    alpha_before = snapshot(engine, ALPHA)
    for table in ("decisions", "decision_events", "channel_schedules", "slack_bots", "jobs"):
        assert alpha_before[table] and beta_before[table], table

    refused = purge(database_url, "--team", ALPHA, answer=f"{BETA}\n")
    assert refused.returncode == 1 and "nothing was deleted" in refused.stderr
    assert snapshot(engine, ALPHA) == alpha_before

    done = purge(database_url, "--team", ALPHA, answer=f"{ALPHA}\n")
    assert done.returncode == 0, done.stderr
    assert f"Type the team id ({ALPHA})" in done.stdout
    deleted = done.stdout.split(f"deleted from team {ALPHA}:")[1]
    assert "  decisions: 1" in deleted and "  slack_installations: 1" in deleted
    assert "  apscheduler_jobs: 1" in deleted and "  teams: 1" in deleted
    assert all(not rows for rows in snapshot(engine, ALPHA).values())
    assert snapshot(engine, BETA) == beta_before


@pytest.mark.slow  # a real CLI subprocess each time
def test_purge_yes_skips_the_question_and_an_unknown_team_is_one_line(
    database_url, engine, sessions, clock
):
    seed(engine, sessions, clock, BETA)
    done = purge(database_url, "--team", BETA, "--yes")
    assert done.returncode == 0, done.stderr
    assert "Type the team id" not in done.stdout
    assert all(not rows for rows in snapshot(engine, BETA).values())

    missing = purge(database_url, "--team", "T0NOBODY", "--yes")
    assert missing.returncode == 2
    assert missing.stderr.strip().splitlines() == [
        "deference-bot: team T0NOBODY has no data in this database."
    ]
