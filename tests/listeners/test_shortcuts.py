"""The message shortcut surface, dispatched in-process: "Decide on this" and "Run poll"."""

from __future__ import annotations

from sqlalchemy import select

from app import ids
from app.db.models import ExpertisePoll
from tests.e2e.conftest import ALICE, BOB, CAROL, GENERAL
from tests.listeners.helpers import decisions_in, v

MESSAGE = {
    "type": "message",
    "user": CAROL,
    "ts": "1700000000.000100",
    "text": "Should we move &lt;billing&gt; to Postgres?\nIt is slow.",
}


def test_decide_on_this_prefills_the_title_and_posts_in_the_messages_thread(
    slack, standin, errors_logged
):
    reply = slack.shortcut(ALICE, ids.DECIDE_ON_MESSAGE, message=MESSAGE, channel=GENERAL)
    assert reply.status == 200
    view = standin.latest_view(ALICE)
    title = next(b for b in view["blocks"] if b["block_id"] == ids.TITLE)
    assert title["element"]["initial_value"] == "Should we move <billing> to Postgres?"
    assert decisions_in(slack) == []  # only a form so far
    slack.submit(ALICE, view, {ids.TITLE: v("Move billing to Postgres?"), ids.DECIDER: v(BOB)})
    [post] = standin.calls("chat.postMessage")
    assert post.params["thread_ts"] == MESSAGE["ts"]
    [decision] = decisions_in(slack)
    assert (decision.thread_ts, decision.decider_id) == (MESSAGE["ts"], BOB)


def test_run_poll_on_a_message_opens_the_poll_form(slack, standin, errors_logged):
    slack.shortcut(ALICE, ids.POLL_ON_MESSAGE, message=MESSAGE, channel=GENERAL)
    [opened] = standin.calls("views.open")
    assert opened.ok
    assert standin.latest_view(ALICE)["callback_id"] == ids.POLL_VIEW
    with slack.sessions() as session:
        assert list(session.scalars(select(ExpertisePoll))) == []
