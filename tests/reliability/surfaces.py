"""Every button and modal the bot has, set up for real in one team, for the table-driven tests.

Each builder drives the bot the way people do (commands, clicks, the scheduled jobs) and returns
the message that carries the button, so a test can click it again, tampered or twice.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode

from sqlalchemy import inspect, select

from app import ids
from app.db.models import Base
from app.domain import decisions
from app.jobs.reviews import nudge_deadlines, send_outcome_reviews
from app.jobs.schedules import post_due_checkins, post_due_retros
from app.posting.cards import post_card
from app.standin import Workspace
from tests.e2e.conftest import ALICE, BOB, CAROL, GENERAL

ADMIN = "U0ADMIN"
TEAM = "T0001"
OTHER_TEAM = "T0OTHER"
Json = dict[str, Any]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@dataclass
class World:
    bot: Any
    slack: Workspace
    standin: Any
    clock: Any

    def run(self, text: str, user: str = ALICE, channel: str = GENERAL):
        reply = self.slack.command(user, channel, text)
        assert reply.status == 200, reply.body
        self.bot.settle()
        return reply

    def click(self, user: str, action_id: str, message: Json, **kw):
        reply = self.slack.click(user, action_id, message=message, **kw)
        self.bot.settle()
        return reply

    def last(self, prefix: str, channel: str = GENERAL) -> Json:
        return [m for m in self.standin.messages(channel) if m["text"].startswith(prefix)][-1]

    # -- messages with buttons -------------------------------------------------------------

    def card(self) -> Json:
        self.run(f"Pick the queue <@{BOB}|bob>")
        return self.last("Decision:")

    def poll(self) -> Json:
        self.run("poll Pick the cache")
        return self.last("Expertise poll")

    def closed_poll(self) -> Json:
        self.click(BOB, f"{ids.POLL_RATE}4", self.poll())
        self.click(ALICE, ids.POLL_CLOSE, self.last("Expertise poll"))
        return self.last("Expertise poll")

    def consensus(self) -> Json:
        self.click(ALICE, ids.CONSENSUS_CHECK, self.card())
        return self.last("Is everyone comfortable")

    def objection(self) -> Json:
        """The check after CAROL objected (its Withdraw button)."""
        view = self.form(CAROL, ids.CONSENSUS_OBJECT, self.consensus())
        reply = self.slack.submit(CAROL, view, {ids.REASON: {ids.VALUE: "Too risky"}})
        assert reply.status == 200, reply.body
        self.bot.settle()
        return self.last("Is everyone comfortable")

    def checkin(self) -> Json:
        self.run("poll Pick the cache")
        self.run("checkin 10:00 daily UTC")
        self.clock.set(utc(2026, 11, 24, 10))
        assert post_due_checkins() == 1
        return self.last("For today's decisions")

    def _opened(self, title: str, decider: str | None = None, deadline=None) -> int:
        declaration = decisions.Declaration(
            title=title, channel_id=GENERAL, decider_id=decider, deadline=deadline
        )
        with self.bot.sessions.begin() as session:
            decision, _ = decisions.open_decision(
                session,
                team_id=TEAM,
                declaration=declaration,
                actor_id=ALICE,
                origin_key=f"test:{title}",
                now=self.clock.now(),
            )
        post_card(self.bot.runtime.bolt.client, self.bot.sessions, TEAM, decision.id, self.clock)
        return decision.id

    def review(self) -> Json:
        decision_id = self._opened("Pick the broker", decider=BOB)
        with self.bot.sessions.begin() as session:
            decisions.record_resolution(
                session,
                team_id=TEAM,
                decision_id=decision_id,
                actor_id=BOB,
                resolution="Kafka",
                rationale=None,
                now=self.clock.now(),
                idempotency_key="test-resolve",
            )
        self.clock.advance(timedelta(days=15))
        assert send_outcome_reviews() == 1
        return self.standin.messages(BOB)[-1]

    def retro(self) -> Json:
        self.run("retro every 1w fri 16:00 UTC")
        self.clock.set(utc(2026, 11, 27, 16))
        assert post_due_retros() == 1
        return self.last("Retrospective")

    def nudge(self) -> Json:
        self._opened("Pick the region", deadline=self.clock.now() + timedelta(hours=1))
        self.clock.advance(timedelta(hours=1))
        assert nudge_deadlines() == 1
        return self.last("The deadline")

    def decider_nudge(self) -> Json:
        """The nudge on a decision that has a decider: Record resolution, Hand it on."""
        self._opened("Pick the zone", decider=BOB, deadline=self.clock.now() + timedelta(hours=1))
        self.clock.advance(timedelta(hours=1))
        assert nudge_deadlines() == 1
        return self.last("The deadline")

    def charter(self) -> Json:
        self.standin.add_user(ADMIN, "admin", is_admin=True)
        self.run("charter", user=ADMIN)
        shown = self.standin.responses(ADMIN)[-1]["payload"]
        return {"channel": GENERAL, "ts": "1.000001", "blocks": shown["blocks"], "text": ""}

    def steward(self) -> None:
        self.standin.add_user(ADMIN, "admin", is_admin=True)
        self.run(f"steward <@{BOB}|b>", user=ADMIN)

    def form(self, user: str, action_id: str, message: Json) -> Json:
        """The modal a click opens."""
        self.click(user, action_id, message)
        view = self.standin.latest_view(user)
        assert view is not None, f"{action_id} opened no modal"
        return view


# known_names caches the directory's names of people the bot looked up (app.domain.names): a
# refused click that names a person still shows the bot who they are, in the clicker's own
# workspace, and that is no change a forged id made.
NOT_STATE = frozenset({"teams", "known_names"})


def rows(bot, skip: frozenset[str] = NOT_STATE) -> dict[str, list[tuple]]:
    """Every row of every table (the scheduler's job table too), to prove nothing changed."""
    with bot.sessions() as session:
        tables = inspect(session.get_bind()).get_table_names()
        found = {}
        for name in sorted(set(tables) - skip - {"alembic_version"}):
            table = Base.metadata.tables.get(name)
            if table is None:
                continue
            found[name] = sorted(map(repr, session.execute(select(table)).all()))
        return found


def retarget(body: str, content_type: str, team: str) -> str:
    """The same request as sent from another workspace: every team id in it rewritten."""

    def fix(payload: Json) -> Json:
        if isinstance(payload.get("team"), dict):
            payload["team"] = {**payload["team"], "id": team}
        if isinstance(payload.get("user"), dict):
            payload["user"] = {**payload["user"], "team_id": team}
        if "team_id" in payload:
            payload["team_id"] = team
        for auth in payload.get("authorizations") or []:
            auth["team_id"] = team
        if isinstance(payload.get("view"), dict):  # Bolt reads app_installed_team_id first
            payload["view"] = _retarget_view(payload["view"], team)
        return payload

    if content_type == "application/json":
        return json.dumps(fix(json.loads(body)))
    form = dict(parse_qsl(body, keep_blank_values=True))
    if "payload" in form:
        form["payload"] = json.dumps(fix(json.loads(form["payload"])))
    else:
        form = fix(form)
    return urlencode(form)


def _retarget_view(view: Json, team: str) -> Json:
    keys = ("team_id", "app_installed_team_id")
    return {**view, **{key: team for key in keys if key in view}}


class OtherWorkspace(Workspace):
    """A second workspace on the same bot: Slack signs its requests with the same app secret,
    and only the team ids inside them differ."""

    def __init__(self, *args, team: str = OTHER_TEAM, **kw) -> None:
        super().__init__(*args, **kw)
        self.team = team

    def send_raw(self, body, content_type, timestamp=None, signature=None, headers=None):
        text = body.decode() if isinstance(body, bytes) else body
        return super().send_raw(
            retarget(text, content_type, self.team), content_type, timestamp, signature, headers
        )
