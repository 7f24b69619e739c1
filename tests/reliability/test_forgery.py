"""Forms and buttons cannot be forged, attacked on the real `deference-bot serve` process.

Each attack is a request Slack's signature accepts (the tests hold the signing secret, as
Slack does) but whose contents were rewritten: private_metadata pointing at another channel,
team or person, replayed from another form or expired; a check-in claim with a made-up
message_ts; a second expertise poll against a decider a poll already chose; escalation from
outside the card's channel. Each asserts the database did not change and nothing was posted
where it should not be.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from slack_sdk.models.views import View
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from app import ids
from app.db.models import Decision
from app.listeners.forms import FormSeal, Origin, derive_key
from app.standin import Workspace
from app.standin.payloads import block_actions, view_submission
from app.vocabulary import Status, Zone
from tests.e2e.conftest import ALICE, BOB, CAROL, GENERAL, SIGNING_SECRET
from tests.e2e.processes import cli_env, serve
from tests.reliability.figures import Figure
from tests.reliability.surfaces import OtherWorkspace

pytestmark = pytest.mark.slow
FIGURE = Figure("Forged private_metadata, message_ts and ids on the real serve process")
SECRET = "C0SECRET"  # the bot is in it; Alice is not
ELSEWHERE = "C0ELSEWHERE"  # Carol's own channel, not the card's
TABLES = ("decisions", "decision_events", "expertise_polls", "consensus_checks")


@pytest.fixture(scope="module", autouse=True)
def _record_figures():
    yield
    FIGURE.write()


class Served:
    """The serve process, a workspace signing requests to it, and a window on its database."""

    def __init__(self, standin, database_url: str, tmp_path: Path) -> None:
        standin.add_channel(SECRET, "secret", private=True, members=[BOB, CAROL])
        standin.add_channel(ELSEWHERE, "elsewhere", members=[CAROL])
        self.standin = standin
        self.process = serve(cli_env(standin, database_url), tmp_path / "serve.log")
        url = f"{self.process.url}/slack/events"
        self.slack = Workspace(standin, bot_url=url, signing_secret=SIGNING_SECRET)
        self.other = OtherWorkspace(standin, bot_url=url, signing_secret=SIGNING_SECRET)
        self.engine = create_engine(database_url)

    def quiet(self, timeout: float = 6.0) -> None:
        """Wait until the bot has made no Slack call for half a second (it works after ack)."""
        deadline, seen, since = time.monotonic() + timeout, -1, time.monotonic()
        while time.monotonic() < deadline:
            count = len(self.standin.calls())
            if count != seen:
                seen, since = count, time.monotonic()
            elif time.monotonic() - since > 0.5:
                return
            time.sleep(0.05)  # polling another process, with a deadline

    def rows(self) -> dict[str, list[tuple]]:
        with self.engine.connect() as db:
            return {t: sorted(map(tuple, db.execute(text(f"SELECT * FROM {t}")))) for t in TABLES}  # noqa: S608

    def decision(self, title: str) -> Decision:
        with Session(self.engine) as session:
            return session.scalars(select(Decision).where(Decision.title == title)).one()

    def posts(self, channel: str | None = None) -> list:
        return [
            c
            for c in self.standin.calls("chat.postMessage")
            if c.ok and channel in (None, c.params.get("channel"))
        ]

    def card(self, title: str) -> dict:
        return next(m for m in self.standin.messages(GENERAL) if title in json.dumps(m))

    def declare(self, title: str, decider: str | None = None) -> dict:
        """Post a card: `/decide Title @decider`, or through the form with nobody deciding."""
        if decider:
            self.slack.command(ALICE, GENERAL, f"{title} <@{decider}|x>")
        else:
            view = self.form(ALICE, lambda: self.slack.command(ALICE, GENERAL, title))
            self.slack.submit(ALICE, view, {ids.TITLE: {ids.VALUE: title}})
        self.standin.wait_until(lambda: self.has_card(title), what=f"the card of {title}")
        self.quiet()
        return self.card(title)

    def has_card(self, title: str) -> bool:
        return any(title in json.dumps(m) for m in self.standin.messages(GENERAL))

    def form(self, user: str, opened_by) -> dict:
        """The modal `opened_by()` makes the bot open for `user`."""
        before = len(self.standin.calls("views.open"))
        opened_by()
        self.standin.wait_for("views.open", count=before + 1)
        return self.standin.latest_view(user)

    def close(self) -> None:
        self.process.stop()
        self.engine.dispose()


@pytest.fixture
def served(standin, database_url, tmp_path):
    world = Served(standin, database_url, tmp_path)
    yield world
    world.close()


def submission(served: Served, user: str, view: dict, values: dict) -> dict:
    return view_submission(
        served.standin,
        user=user,
        view=view,
        values={block: {ids.VALUE: value} for block, value in values.items()},
        api_app_id="A0001",
    )


def refused(served: Served, reply, before_rows, before_posts, what: str) -> None:
    served.quiet()
    FIGURE.tried += 1
    assert reply.status in (200, 400), reply.body
    assert served.rows() == before_rows, f"{what}: the database changed"
    assert len(served.posts(GENERAL)) == before_posts[GENERAL], f"{what}: posted in #general"
    assert len(served.posts(SECRET)) == before_posts[SECRET], f"{what}: posted in #secret"
    FIGURE.count(f"{what}: HTTP {reply.status}, nothing changed")


def snapshot(served: Served):
    return served.rows(), {c: len(served.posts(c)) for c in (GENERAL, SECRET)}


def declare_form(served: Served) -> dict:
    return served.form(ALICE, lambda: served.slack.command(ALICE, GENERAL, ""))


def with_metadata(payload: dict, **changes) -> dict:
    metadata = json.loads(payload["view"]["private_metadata"])
    metadata.update(changes)
    payload["view"]["private_metadata"] = json.dumps(metadata)
    return payload


DECLARE = {ids.TITLE: "Pick the cache", ids.DECIDER: BOB}


def test_metadata_pointing_at_another_channel_posts_nothing_there(served):
    view = declare_form(served)
    payload = with_metadata(submission(served, ALICE, view, DECLARE), channel=SECRET)
    before = snapshot(served)
    refused(served, served.slack.interaction(payload), *before, "metadata: another channel")


def test_a_form_from_another_team_is_refused(served):
    view = declare_form(served)
    payload = submission(served, ALICE, view, DECLARE)
    before = snapshot(served)
    refused(served, served.other.interaction(payload), *before, "metadata: another team")


def test_a_form_submitted_by_someone_else_is_refused(served):
    view = declare_form(served)  # Alice's form, opened in #general...
    payload = submission(served, CAROL, view, DECLARE)  # ...submitted as Carol
    before = snapshot(served)
    refused(served, served.slack.interaction(payload), *before, "metadata: another user")


def test_a_seal_replayed_from_another_form_is_refused(served):
    card = served.declare("Pick the queue", BOB)
    escalate = served.form(BOB, lambda: served.slack.click(BOB, ids.ESCALATE, message=card))
    resolve = served.form(BOB, lambda: served.slack.click(BOB, ids.RECORD_RESOLUTION, message=card))
    payload = submission(served, BOB, resolve, {ids.RESOLUTION: "Kafka"})
    payload["view"]["private_metadata"] = escalate["private_metadata"]
    before = snapshot(served)
    refused(served, served.slack.interaction(payload), *before, "metadata: replayed")
    assert served.decision("Pick the queue").status is Status.OPEN


def resealed(view: dict, team: str, lifetime: timedelta) -> str:
    """The form's metadata sealed again as the bot would, with the key it derives from the
    signing secret, for Alice in #general, living `lifetime` from now."""
    data = {k: v for k, v in json.loads(view["private_metadata"]).items() if k != "_seal"}
    forged = View(type="modal", callback_id=view["callback_id"], private_metadata=json.dumps(data))
    seal = FormSeal(derive_key(SIGNING_SECRET), lifetime=lifetime)
    seal.seal(forged, Origin(team, ALICE, GENERAL), datetime.now(UTC))
    return forged.private_metadata


def test_an_expired_seal_is_refused_and_a_live_one_with_the_same_key_is_not(served):
    view = declare_form(served)
    payload = submission(served, ALICE, view, DECLARE)
    team = payload["team"]["id"]
    payload["view"]["private_metadata"] = resealed(view, team, timedelta(hours=-1))
    before = snapshot(served)
    refused(served, served.slack.interaction(payload), *before, "metadata: expired")
    # The control: the same sealing with a live expiry is accepted, so what was refused above
    # was the expiry and nothing else.
    payload["view"]["private_metadata"] = resealed(view, team, timedelta(hours=1))
    assert served.slack.interaction(payload).status == 200
    served.standin.wait_until(lambda: served.has_card("Pick the cache"), what="the card")


def test_a_claim_with_a_made_up_message_ts_changes_nothing(served):
    card = served.declare("Pick the broker")  # no decider yet
    decision = served.decision("Pick the broker")
    assert decision.decider_id is None
    payload = block_actions(
        served.standin, user=CAROL, action_id=ids.RECORD_RESOLUTION, api_app_id="A0", message=card
    )
    payload["actions"][0].update(action_id=ids.CHECKIN_CLAIM, value=str(decision.id))
    before = snapshot(served)
    updates = len(served.standin.calls("chat.update"))
    refused(served, served.slack.interaction(payload), *before, "claim: forged message_ts")
    assert served.decision("Pick the broker").decider_id is None
    assert len(served.standin.calls("chat.update")) == updates


def test_a_second_poll_cannot_take_back_a_decider_a_poll_chose(served):
    served.slack.command(ALICE, GENERAL, "poll Pick the queue")
    served.standin.wait_for("chat.postMessage", count=2)
    served.quiet()
    poll = served.standin.messages(GENERAL)[-1]
    served.slack.click(BOB, f"{ids.POLL_RATE}5", message=poll)
    served.quiet()
    served.slack.click(ALICE, ids.POLL_CLOSE, message=served.standin.messages(GENERAL)[-1])
    served.quiet()
    closed = next(m for m in served.standin.messages(GENERAL) if ids.POLL_ADOPT in json.dumps(m))
    served.slack.click(ALICE, ids.POLL_ADOPT, message=closed)  # Carol keeps this copy
    served.quiet()
    assert served.decision("Pick the queue").decider_id == BOB
    card = served.card("Pick the queue")
    before, opened = snapshot(served), len(served.standin.calls("views.open"))
    reply = served.slack.click(CAROL, ids.RUN_POLL, message=card)  # a second poll...
    refused(served, reply, *before, "second poll after a poll chose the decider")
    assert len([c for c in served.standin.calls("views.open") if c.ok]) == opened
    reply = served.slack.click(CAROL, ids.POLL_ADOPT, message=closed)  # ...or an adopt button
    refused(served, reply, *before, "adopt by someone who may not")
    assert served.decision("Pick the queue").decider_id == BOB


def test_escalation_from_outside_the_card_is_refused_and_from_inside_told(served):
    card = served.declare("Pick the region", BOB)
    decision = served.decision("Pick the region")
    elsewhere = block_actions(
        served.standin, user=CAROL, action_id=ids.ESCALATE, api_app_id="A0", message=card
    )
    elsewhere["container"]["channel_id"] = ELSEWHERE  # a click from Carol's own channel
    elsewhere["channel"] = {"id": ELSEWHERE, "name": "elsewhere"}
    before, opened = snapshot(served), len(served.standin.calls("views.open"))
    refused(served, served.slack.interaction(elsewhere), *before, "escalate: not in the channel")
    assert len([c for c in served.standin.calls("views.open") if c.ok]) == opened

    view = served.form(CAROL, lambda: served.slack.click(CAROL, ids.ESCALATE, message=card))
    reply = served.slack.submit(CAROL, view, {ids.REASON: {ids.VALUE: "Costs the whole org"}})
    assert reply.status == 200
    served.quiet()
    escalated = served.decision("Pick the region")
    assert (escalated.status, escalated.zone) == (Status.ESCALATED, Zone.PRINCIPLE)
    told = {c.params.get("channel") for c in served.posts() if "escalated" in str(c.params)}
    assert {BOB, ALICE} <= told, "the decider and the opener hear who escalated"
    assert decision.id == escalated.id
    FIGURE.count("escalate from the card's channel: escalated, decider and opener told")


def test_only_the_decider_or_an_admin_returns_an_escalation_to_local(served):
    card = served.declare("Pick the datacentre", BOB)
    view = served.form(CAROL, lambda: served.slack.click(CAROL, ids.ESCALATE, message=card))
    served.slack.submit(CAROL, view, {ids.REASON: {ids.VALUE: "Every team depends on it"}})
    served.quiet()
    assert served.decision("Pick the datacentre").status is Status.ESCALATED
    card = served.card("Pick the datacentre")
    for someone in (CAROL, ALICE):  # the escalator, and the opener: neither decides
        before = snapshot(served)
        reply = served.slack.click(someone, ids.DEESCALATE, message=card)
        refused(served, reply, *before, "de-escalate by a non-decider")
    assert served.decision("Pick the datacentre").zone is Zone.PRINCIPLE
    served.slack.click(BOB, ids.DEESCALATE, message=card)
    served.quiet()
    back = served.decision("Pick the datacentre")
    assert (back.status, back.zone) == (Status.OPEN, Zone.LOCAL)
    FIGURE.count("de-escalate by the decider: back to local")
