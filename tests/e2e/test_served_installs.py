"""Two workspaces installed through OAuth into a real `serve` with two workers on PostgreSQL:
whichever worker gets a request, each team is served with its own token and its own data."""

from __future__ import annotations

import json

from sqlalchemy import select

from app.db.engine import make_engine, make_session_factory
from app.db.models import ChannelSchedule
from app.standin import Workspace
from app.standin.installs import CLIENT_ID, CLIENT_SECRET
from tests.e2e.conftest import ALICE, BOB, GENERAL, SIGNING_SECRET
from tests.e2e.oauth import install
from tests.e2e.scale_out import (
    needs_postgres,
    pg_url,  # noqa: F401 - fixture
    serve,
    wait_until,
)

pytestmark = needs_postgres
BETA, BETA_CHANNEL, B1, B2 = "T0BETA", "C0BETA", "U0BETA1", "U0BETA2"


TOPICS = ("billing database", "office lease renewal", "quarterly hiring freeze")


def test_two_workers_serve_two_installed_workspaces_until_one_uninstalls(
    standin,
    pg_url,  # noqa: F811
    tmp_path,
):
    standin.add_channel(BETA_CHANNEL, "beta")
    standin.add_user(B1, "beta1")
    standin.add_user(B2, "beta2")
    served = serve(
        standin,
        pg_url,
        tmp_path,
        "oauth",
        SLACK_BOT_TOKEN="",
        SLACK_CLIENT_ID=CLIENT_ID,
        SLACK_CLIENT_SECRET=CLIENT_SECRET,
    )
    try:
        alpha_token = install(served.url, standin, "T0001", "acme")
        beta_token = install(served.url, standin, BETA, "beta")
        events = f"{served.url}/slack/events"
        alpha = Workspace(standin, bot_url=events, signing_secret=SIGNING_SECRET)
        beta = Workspace(standin, events, SIGNING_SECRET, team_id=BETA, team_domain="beta")

        # Several requests each, so both workers take some; each on its own subject, since
        # titles alike would meet the similar-decision check instead of posting a card.
        for topic in TOPICS:
            assert alpha.command(ALICE, GENERAL, f"Alphasecret {topic} <@{BOB}|bob>").status == 200
            assert beta.command(B1, BETA_CHANNEL, f"Betaplan {topic} <@{B2}|beta2>").status == 200
        posts = standin.wait_for("chat.postMessage", count=6, timeout=20)
        assert {(c.params["channel"], c.token, c.team_id) for c in posts} == {
            (GENERAL, alpha_token, "T0001"),
            (BETA_CHANNEL, beta_token, BETA),
        }
        assert beta.command(B2, BETA_CHANNEL, "log").status == 200
        standin.wait_until(lambda: standin.responses(B2), timeout=10, what="the log")
        answer = json.dumps(standin.responses(B2)[0]["payload"])
        assert f"Betaplan {TOPICS[-1]}" in answer and "Alphasecret" not in answer

        assert beta.command(B1, BETA_CHANNEL, "checkin 09:30 mon-fri UTC").status == 200
        engine = make_engine(pg_url)
        sessions = make_session_factory(engine)

        def beta_schedule() -> list[str | None]:
            with sessions() as session:
                query = select(ChannelSchedule).where(ChannelSchedule.team_id == BETA)
                return [row.disabled_reason for row in session.scalars(query)]

        wait_until(lambda: beta_schedule() == [None], 10, "Beta's check-in")
        standin.uninstall(BETA)
        assert beta.event({"type": "app_uninstalled"}).status == 200
        wait_until(lambda: beta_schedule() == ["uninstalled"], 10, "Beta's check-in stopped")
        engine.dispose()

        refused = len(standin.responses(B1))
        assert beta.command(B1, BETA_CHANNEL, f"After <@{B2}|beta2>").status == 200
        standin.wait_until(
            lambda: len(standin.responses(B1)) > refused, timeout=10, what="the refusal"
        )
        assert "no longer available" in standin.responses(B1)[-1]["payload"]["text"]
        assert alpha.command(ALICE, GENERAL, f"Still here <@{BOB}|bob>").status == 200
        standin.wait_for(
            "chat.postMessage", lambda c: "Still here" in json.dumps(c.params), timeout=10
        )
    finally:
        served.stop()
