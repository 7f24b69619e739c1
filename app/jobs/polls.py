"""Closing expertise polls when their time comes.

Why its own job: a poll closes at a moment its opener chose, so each poll gets a date job
(app.jobs.front_door.schedule_poll_close) that runs the same idempotent sweep as start-up.
"""

from __future__ import annotations

import logging

from app import jobs
from app.domain import poll_service
from app.posting.polls import redraw_poll

log = logging.getLogger(__name__)


def close_due_polls() -> int:
    """Close every open poll whose closing time has passed and show its result.

    What each poll's date job runs, and what start-up runs to catch up on polls that fell due
    while the bot was down. Closing is a compare-and-set, so when both (or two processes) reach
    the same poll, one closes it and posts; the other finds it closed and does nothing.
    Returns how many polls this call closed.
    """

    context = jobs.installed()
    now = context.clock.now()
    with context.sessions() as session:
        due = poll_service.due_polls(session, now)
    closed = 0
    for team_id, poll_id in due:
        try:
            with context.sessions.begin() as session:
                _poll, changed = poll_service.close_poll(
                    session, team_id=team_id, poll_id=poll_id, now=now
                )
            if changed:
                closed += 1
                redraw_poll(
                    context.client_for(team_id), context.sessions, team_id, poll_id, context.people
                )
        except Exception:
            log.exception("could not close poll %s of team %s", poll_id, team_id)
    return closed
