"""Two teams on one bot use every surface; neither ever sees the other's data: the log, the
export, Home, stats, polls, retro answers, reports and everything posted in its channels."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from app import cli, ids
from app.jobs.schedules import post_due_retros
from app.standin import Workspace
from tests.e2e.conftest import ALICE, BOB, CAROL, GENERAL, SIGNING_SECRET
from tests.reliability.figures import Figure
from tests.reliability.surfaces import OtherWorkspace, utc


@dataclass
class Team:
    id: str
    ws: Workspace
    channel: str
    people: tuple[str, str, str]
    admin: str
    marker: str

    def secrets(self) -> list[str]:
        return [self.marker, self.channel, self.admin, *self.people]


@pytest.fixture
def teams(bot, slack, standin) -> tuple[Team, Team]:
    standin.add_channel("C0BETA", "beta")
    for user in ("U0BETA1", "U0BETA2", "U0BETA3"):
        standin.add_user(user, user.lower())
    standin.add_user("U0ADMIN", "admin", is_admin=True)
    standin.add_user("U0BADMIN", "badmin", is_admin=True)
    other = OtherWorkspace(standin, bot_url=bot.url, signing_secret=SIGNING_SECRET, team="T0BETA")
    return (
        Team("T0001", slack, GENERAL, (ALICE, BOB, CAROL), "U0ADMIN", "Alphasecret"),
        Team(
            "T0BETA", other, "C0BETA", ("U0BETA1", "U0BETA2", "U0BETA3"), "U0BADMIN", "Betasecret"
        ),
    )


def use_everything(bot, standin, team: Team) -> None:
    """Declare, poll and vote, schedule a retro, name a steward and report to them."""
    opener, decider, voter = team.people

    def run(text: str, user: str = opener) -> None:
        assert team.ws.command(user, team.channel, text).status == 200
        bot.settle()

    run(f"{team.marker} decision <@{decider}|d>")
    run(f"poll {team.marker} poll")
    poll = [m for m in standin.messages(team.channel) if m["text"].startswith("Expertise")][-1]
    team.ws.click(voter, f"{ids.POLL_RATE}5", message=poll)
    bot.settle()
    run("retro every 1w fri 16:00 UTC")
    run(f"steward <@{decider}|d>", user=team.admin)
    run("feedback", user=voter)
    values = {
        ids.FEEDBACK_KIND: {ids.VALUE: "pressure"},
        ids.FEEDBACK_TEXT: {ids.VALUE: f"{team.marker} report"},
    }
    team.ws.submit(voter, standin.latest_view(voter), values)
    bot.settle()


def answer_retro(bot, standin, team: Team) -> None:
    retro = [m for m in standin.messages(team.channel) if m["text"].startswith("Retrospective")]
    for person in team.people:
        team.ws.click(person, ids.RETRO_ANSWER, message=retro[-1])
        bot.settle()
        answers = {"overlooked": {ids.VALUE: f"{team.marker} answer"}}
        team.ws.submit(person, standin.latest_view(person), answers)
        bot.settle()


def seen_by(bot, standin, team: Team, capsys, database_url: str, monkeypatch) -> dict[str, str]:
    """Everything the team's people can see, surface by surface."""
    opener = team.people[0]
    seen: dict[str, str] = {}
    for text in ("log", "log decision", "stats team all"):
        team.ws.command(opener, team.channel, text)
        bot.settle()
        seen[f"/decide {text}"] = json.dumps(standin.responses(opener)[-1]["payload"])
    event = {"type": "app_home_opened", "user": opener, "channel": "D0X", "tab": "home"}
    team.ws.event(event)
    bot.settle()
    seen["Home"] = json.dumps(standin.home(opener))
    seen["channel"] = json.dumps(standin.messages(team.channel))
    seen["direct messages"] = json.dumps([standin.messages(p) for p in team.people])
    monkeypatch.setenv("DATABASE_URL", database_url)
    capsys.readouterr()
    for kind in ("csv", "json", "markdown"):
        assert cli.main(["export", "--format", kind, "--team", team.id]) == 0
        seen[f"export --team ({kind})"] = capsys.readouterr().out
    return seen


def test_two_teams_never_see_each_other(
    bot, standin, clock, teams, capsys, database_url, monkeypatch, errors_logged
):
    figure = Figure("Two teams on one bot: every surface isolated")
    for team in teams:
        use_everything(bot, standin, team)
    clock.set(utc(2026, 11, 27, 16))
    assert post_due_retros() == 2
    for team in teams:
        answer_retro(bot, standin, team)
    for viewer, other in (teams, teams[::-1]):
        seen = seen_by(bot, standin, viewer, capsys, database_url, monkeypatch)
        assert viewer.marker in seen["export --team (csv)"], "the team's own data is there"
        assert f"{viewer.marker} answer" in seen["channel"], "retro answers were shown"
        assert f"{viewer.marker} report" in seen["direct messages"], "the steward got it"
        for surface, text in seen.items():
            figure.tried += 1
            leaked = [s for s in other.secrets() if s in text]
            assert not leaked, f"{viewer.id} saw {leaked} of {other.id} in {surface}"
            figure.count("isolated")
    figure.write()
