"""A channel's schedule is set by anyone in it, then changed or removed only by the person who
set it or a workspace admin; a refusal names who can."""

from __future__ import annotations

import pytest

from app.domain import channel_schedules
from app.domain.errors import NotAllowed
from app.domain.schedules import Recurrence
from tests.domain.factories import ALICE, BOB, CAROL, T1, T2


def put(session, now, actor, admin=False, team=T1, hour=9):
    return channel_schedules.put(
        session,
        team_id=team,
        channel_id="C1",
        kind="retro",
        rec=Recurrence(hour, 0, (4,), "UTC"),
        actor_id=actor,
        now=now,
        is_admin=admin,
    )


def test_the_first_schedule_is_anyones_then_its_setters_or_an_admins(sessions, clock):
    now = clock.now()
    with sessions.begin() as session:
        assert put(session, now, ALICE).created_by == ALICE
        with pytest.raises(NotAllowed, match="Only <@U0ALICE> \\(who set it\\) or a workspace"):
            put(session, now, BOB, hour=11)
        with pytest.raises(NotAllowed, match="remove the retrospective here"):
            channel_schedules.remove(session, T1, "C1", "retro", BOB)
        assert channel_schedules.find(session, T1, "C1", "retro").hour == 9
        assert put(session, now, ALICE, hour=10).hour == 10
        assert put(session, now, CAROL, admin=True, hour=11).created_by == CAROL
        put(session, now, BOB, team=T2)  # another team's channel of the same id is its own
        with pytest.raises(NotAllowed):
            channel_schedules.remove(session, T1, "C1", "retro", ALICE)  # Carol set it last
        assert channel_schedules.remove(session, T1, "C1", "retro", CAROL)
        assert channel_schedules.find(session, T2, "C1", "retro").created_by == BOB
        assert not channel_schedules.remove(session, T1, "C1", "retro", BOB)  # nothing left
