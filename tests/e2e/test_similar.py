"""Similar decisions shown first, on the real `deference-bot serve` process: the notice is
private, "Declare anyway" declares exactly what was typed, and a sealed value replayed by
another person or from another workspace declares nothing."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from app import ids
from app.db.models import Decision
from app.standin import Workspace
from app.standin.payloads import block_actions
from tests.e2e.conftest import ALICE, BOB, CAROL, GENERAL, SIGNING_SECRET
from tests.e2e.processes import cli_env, serve
from tests.reliability.surfaces import OtherWorkspace

pytestmark = pytest.mark.slow


def click_payload(standin, user, blocks, action_id=ids.SIMILAR_DECLARE_ANYWAY):
    message = {"channel": GENERAL, "ts": "1700000000.000900", "blocks": blocks}
    payload = block_actions(
        standin, user=user, action_id=action_id, api_app_id="A0001", message=message
    )
    payload["container"]["is_ephemeral"] = True
    return payload


def test_declaring_a_lookalike_on_the_serve_process(standin, database_url, tmp_path):
    process = serve(cli_env(standin, database_url), tmp_path / "serve.log")
    url = f"{process.url}/slack/events"
    slack = Workspace(standin, bot_url=url, signing_secret=SIGNING_SECRET)
    other = OtherWorkspace(standin, bot_url=url, signing_secret=SIGNING_SECRET)
    engine = create_engine(database_url)

    def titles():
        with Session(engine) as session:
            return list(session.scalars(select(Decision.title).order_by(Decision.id)))

    try:
        slack.command(ALICE, GENERAL, "Pick the billing database <@U0BOB|bob>")
        standin.wait_until(lambda: standin.messages(GENERAL), what="the first card")
        reply = slack.command(ALICE, GENERAL, "Which database should billing use? <@U0CAROL|c>")
        assert reply.status == 200 and reply.elapsed < 3
        shown = reply.json
        assert shown["response_type"] == "ephemeral"
        said = json.dumps(shown["blocks"], ensure_ascii=False)
        assert "This looks like #1 “Pick the billing database”" in said
        assert titles() == ["Pick the billing database"]

        # The same sealed button, clicked by Bob, or by Alice's id from another workspace.
        forged = [
            slack.interaction(click_payload(standin, BOB, shown["blocks"])),
            other.interaction(click_payload(standin, ALICE, shown["blocks"])),
        ]
        assert [r.status for r in forged] == [400, 400]
        assert titles() == ["Pick the billing database"]
        assert "sealed for someone else" in process.text()
        assert "sealed in another workspace" in process.text()

        ok = slack.interaction(click_payload(standin, ALICE, shown["blocks"]))
        assert ok.status == 200
        standin.wait_until(lambda: len(standin.messages(GENERAL)) == 2, what="the second card")
        assert titles() == ["Pick the billing database", "Which database should billing use?"]
        with Session(engine) as session:
            new = session.scalars(select(Decision).where(Decision.id == 2)).one()
            assert (new.decider_id, new.created_by, new.channel_id) == (CAROL, ALICE, GENERAL)
    finally:
        process.stop()
        engine.dispose()
