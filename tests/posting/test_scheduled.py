"""Posting a scheduled message exactly once through the ledger, and updating a message."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.db.models import ScheduledPost
from app.domain import ledger
from app.posting.scheduled import ChannelGone, Message, Slot, deliver
from app.posting.send import update_message
from tests.e2e.conftest import GENERAL
from tests.posting.conftest import TEAM

SLOT = Slot(TEAM, "checkin", GENERAL, "2026-11-23T08:30:00+00:00")


def render_to(channel: str, rendered: list[int] | None = None):
    def render(session, post_id: int) -> Message:
        if rendered is not None:
            rendered.append(post_id)
        return Message(channel=channel, text="For today's decisions, who has authority?", blocks=[])

    return render


def ledger_row(sessions) -> ScheduledPost:
    with sessions() as session:
        [row] = session.scalars(select(ScheduledPost))
        return row


def test_a_slot_is_posted_once_however_often_it_is_delivered(client, standin, sessions, clock):
    rendered: list[int] = []
    paced: list[bool] = []
    assert deliver(
        client,
        sessions,
        SLOT,
        clock.now(),
        render_to(GENERAL, rendered),
        pace=lambda: paced.append(True),
    )
    assert not deliver(client, sessions, SLOT, clock.now(), render_to(GENERAL, rendered))
    assert len(standin.messages(GENERAL)) == 1
    assert len(rendered) == 1 and paced == [True]
    row = ledger_row(sessions)
    assert (row.status, row.channel_id, row.attempts) == (ledger.SENT, GENERAL, 1)
    assert row.message_ts == standin.messages(GENERAL)[0]["ts"]


def test_a_transient_refusal_leaves_the_slot_for_the_next_sweep(client, standin, sessions, clock):
    standin.fail_next("chat.postMessage", status=200, error="internal_error")
    assert not deliver(client, sessions, SLOT, clock.now(), render_to(GENERAL))
    assert ledger_row(sessions).status == ledger.PENDING
    assert deliver(client, sessions, SLOT, clock.now(), render_to(GENERAL))
    row = ledger_row(sessions)
    assert (row.status, row.attempts) == (ledger.SENT, 2)
    assert len(standin.messages(GENERAL)) == 1


def test_a_render_that_fails_releases_the_slot(client, standin, sessions, clock):
    def broken(session, post_id):
        raise RuntimeError("template missing")

    assert not deliver(client, sessions, SLOT, clock.now(), broken)
    assert ledger_row(sessions).status == ledger.PENDING
    assert standin.calls("chat.postMessage") == []


@pytest.mark.parametrize(
    ("flags", "error"),
    [({"is_archived": True}, "is_archived"), ({"is_member": False}, "not_in_channel")],
)
def test_a_channel_that_is_gone_is_skipped_and_raised(
    client, standin, sessions, clock, flags, error
):
    standin.add_channel("C0GONE", "gone", **flags)
    slot = Slot(TEAM, "retro", "C0GONE", "2026-11-27T15:00:00+00:00")
    with pytest.raises(ChannelGone) as gone:
        deliver(client, sessions, slot, clock.now(), render_to("C0GONE"))
    assert gone.value.error == error
    assert ledger_row(sessions).status == ledger.SKIPPED
    assert not deliver(client, sessions, slot, clock.now(), render_to("C0GONE"))


def test_update_message_reports_whether_slack_took_it(client, standin):
    posted = client.chat_postMessage(channel=GENERAL, text="first")
    assert update_message(client, GENERAL, posted["ts"], "second", [])
    assert standin.messages(GENERAL)[0]["text"] == "second"
    assert not update_message(client, GENERAL, "1.000001", "third", [])
