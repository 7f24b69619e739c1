"""Whose data a request is: Slack Connect members of another organisation and org-wide installs
on Enterprise Grid, over the real HTTP path with OAuth installs (see app/listeners/inject.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from app import ids, jobs
from app.config import Settings
from app.db.models import ChannelSchedule, Decision
from app.server import BackgroundServer
from app.standin import SlackStandIn, Workspace
from app.standin.installs import CLIENT_ID, CLIENT_SECRET
from app.vocabulary import Status
from app.wiring import build_runtime, make_wsgi_app
from tests.e2e.conftest import ALICE, BOB, SIGNING_SECRET, Bot
from tests.e2e.oauth import install

HOME = "T0001"  # the stand-in's own workspace, where the app is installed
PARTNER = "T0PARTNER"  # another organisation, without the app, in a Slack Connect channel
SHARED = "C0SHARED"
OUTSIDER = "U0PARTNER"
GRID = "E0GRID"
GRID_A, GRID_B = "T0GRIDA", "T0GRIDB"
GRID_CHANNEL = "C0GRIDA"
A1, B1 = "W0GRIDA1", "W0GRIDB1"


def v(value):
    return {"value": value}


@pytest.fixture
def oauth_bot(standin: SlackStandIn, database_url: str, clock) -> Iterator[Bot]:
    settings = Settings(
        slack_signing_secret=SIGNING_SECRET,
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
        database_url=database_url,
        slack_api_url=standin.api_url,
    )
    runtime = build_runtime(settings, "http", clock=clock, scheduler="paused")
    server = BackgroundServer(make_wsgi_app(runtime)).start()
    yield Bot(runtime, server)
    server.stop()
    runtime.close()


def decisions(bot: Bot) -> list[Decision]:
    with bot.sessions() as session:
        return list(session.scalars(select(Decision).order_by(Decision.id)))


def resolve(bot: Bot, ws: Workspace, standin: SlackStandIn, user: str, card: dict) -> None:
    assert ws.click(user, ids.RECORD_RESOLUTION, message=card).status == 200
    bot.settle()
    modal = standin.latest_view(user)
    assert modal is not None and modal["callback_id"] == ids.RESOLVE_VIEW
    reply = ws.submit(user, modal, {ids.RESOLUTION: v("Postgres"), ids.RATIONALE: v("known")})
    assert (reply.status, reply.body) == (200, "")
    bot.settle()


@pytest.fixture
def connect(oauth_bot: Bot, standin: SlackStandIn) -> Workspace:
    """Home installed through OAuth; #shared is a Slack Connect channel with a partner's member."""
    install(oauth_bot.server.url, standin, HOME, "acme")
    standin.add_channel(SHARED, "shared-with-partner", members=[ALICE, BOB, OUTSIDER])
    standin.add_user(OUTSIDER, "pat", team_id=PARTNER)
    return Workspace(standin, bot_url=oauth_bot.url, signing_secret=SIGNING_SECRET)


def test_a_partner_decides_in_a_slack_connect_channel_and_it_is_kept_at_home(
    oauth_bot, connect, standin, errors_logged
):
    text = f"Pick the shared API version <@{OUTSIDER}|pat>"
    assert connect.command(ALICE, SHARED, text).status == 200
    oauth_bot.settle()
    card = connect.latest_message(SHARED)

    resolve(oauth_bot, connect, standin, OUTSIDER, card)

    [click] = [c for c in standin.calls("views.open")]
    assert click.team_id == HOME  # the click was authorised with the home install's token
    [decision] = decisions(oauth_bot)
    assert (decision.team_id, decision.status) == (HOME, Status.DECIDED)
    assert decision.resolution == "Postgres"
    assert "Postgres" in json.dumps(connect.latest_message(SHARED)["blocks"])


def test_the_submission_names_the_partner_team_and_the_installing_one_apart(
    oauth_bot, connect, standin
):
    from app.standin.payloads import view_submission

    connect.command(ALICE, SHARED, f"Pick the shared API version <@{OUTSIDER}|pat>")
    oauth_bot.settle()
    connect.click(OUTSIDER, ids.RECORD_RESOLUTION, message=connect.latest_message(SHARED))
    oauth_bot.settle()
    modal = standin.latest_view(OUTSIDER)
    payload = view_submission(
        standin, user=OUTSIDER, view=modal, values={}, api_app_id="A0001", team=connect._team()
    )
    assert payload["team"]["id"] == PARTNER and payload["user"]["team_id"] == PARTNER
    assert payload["view"]["app_installed_team_id"] == HOME


def test_home_members_use_the_card_a_partner_opened_in_the_shared_channel(
    oauth_bot, connect, standin, errors_logged
):
    connect.command(OUTSIDER, SHARED, f"Pick the shared API version <@{BOB}|bob>")
    oauth_bot.settle()
    resolve(oauth_bot, connect, standin, BOB, connect.latest_message(SHARED))
    [decision] = decisions(oauth_bot)
    assert (decision.team_id, decision.status) == (HOME, Status.DECIDED)


@pytest.fixture
def grid(oauth_bot: Bot, standin: SlackStandIn) -> tuple[Workspace, Workspace, str]:
    """The app installed org-wide on the Grid organisation: (workspace A, workspace B, token)."""
    token = install(oauth_bot.server.url, standin, GRID, "grid")
    standin.add_user(A1, "ana", team_id=GRID_A)
    standin.add_user(B1, "ben", team_id=GRID_B)
    standin.add_channel(GRID_CHANNEL, "grid-a")
    a = Workspace(standin, oauth_bot.url, SIGNING_SECRET, GRID_A, "grid-a", enterprise_id=GRID)
    b = Workspace(standin, oauth_bot.url, SIGNING_SECRET, GRID_B, "grid-b", enterprise_id=GRID)
    return a, b, token


def test_an_org_wide_install_is_stored_and_found_by_organisation(oauth_bot, grid):
    _, _, token = grid
    installations = oauth_bot.runtime.oauth.installations
    found = installations.find_bot(enterprise_id=GRID, team_id=None, is_enterprise_install=True)
    assert found is not None and found.bot_token == token and found.is_enterprise_install
    assert installations.find_bot(enterprise_id=None, team_id=GRID_A) is None


def test_org_wide_requests_with_team_null_are_kept_per_workspace(
    oauth_bot, grid, standin, errors_logged
):
    a, b, token = grid
    assert a.command(A1, GRID_CHANNEL, f"Pick the Grid SSO provider <@{A1}|ana>").status == 200
    oauth_bot.settle()
    card = a.latest_message(GRID_CHANNEL)
    resolve(oauth_bot, a, standin, A1, card)

    [post] = standin.calls("chat.postMessage")
    assert post.token == token
    [decision] = decisions(oauth_bot)
    assert (decision.team_id, decision.status) == (GRID_A, Status.DECIDED)

    assert b.command(B1, GRID_CHANNEL, "log").status == 200
    oauth_bot.settle()
    assert "Grid SSO" not in json.dumps(standin.responses(B1)[-1]["payload"])
    assert a.command(A1, GRID_CHANNEL, "log").status == 200
    oauth_bot.settle()
    assert "Grid SSO" in json.dumps(standin.responses(A1)[-1]["payload"])


def test_the_home_tab_of_an_org_wide_install_shows_the_workspaces_decisions(
    oauth_bot, grid, standin, errors_logged
):
    a, _, _ = grid
    a.command(A1, GRID_CHANNEL, f"Pick the Grid SSO provider <@{A1}|ana>")
    oauth_bot.settle()
    assert a.event({"type": "app_home_opened", "user": A1, "tab": "home"}).status == 200
    oauth_bot.settle()
    assert "Grid SSO" in json.dumps(standin.home(A1))


def test_scheduled_jobs_of_a_grid_workspace_post_with_the_organisations_token(
    oauth_bot, grid, standin
):
    a, _, token = grid
    assert a.command(A1, GRID_CHANNEL, "checkin 09:30 mon-fri UTC").status == 200
    oauth_bot.settle()
    assert jobs.installed().client_for(GRID_A).token == token


def test_an_org_wide_uninstall_forgets_the_org_and_stops_every_workspaces_schedules(
    oauth_bot, grid, standin
):
    a, b, _ = grid
    a.command(A1, GRID_CHANNEL, "checkin 09:30 mon-fri UTC")
    b.command(B1, GRID_CHANNEL, "retro every 2w fri 16:00 UTC")
    oauth_bot.settle()
    standin.uninstall(GRID)
    assert a.event({"type": "app_uninstalled"}).status == 200
    oauth_bot.settle()
    with oauth_bot.sessions() as session:
        rows = session.scalars(select(ChannelSchedule)).all()
        assert {(r.team_id, r.disabled_reason) for r in rows} == {
            (GRID_A, "uninstalled"),
            (GRID_B, "uninstalled"),
        }
    installations = oauth_bot.runtime.oauth.installations
    assert (
        installations.find_bot(enterprise_id=GRID, team_id=None, is_enterprise_install=True) is None
    )
