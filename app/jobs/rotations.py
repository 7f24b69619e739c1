"""Rotation handoffs: announced in the channel and by DM to the two people, exactly once.

A sweep, not a job per rotation: the lead is computed, so the sweep asks each rotation for its
latest change of lead and the ledger (kind "handoff"/"handoff_dm", occurrence = the local day,
or "day#n" after the n-th adjustment that day) makes a second run, a second process, a
restart, or an adjustment that already announced it (`/decide rotation … skip`) a no-op.
"""

from __future__ import annotations

import logging

from app import jobs
from app.domain import rotation_service, rotations
from app.installs import NotInstalled
from app.posting.canvas import refresh_charter_canvases
from app.posting.rotations import DM_KIND, KIND, announce_handoff
from app.posting.scheduled import ChannelGone

log = logging.getLogger(__name__)

__all__ = ["DM_KIND", "KIND", "announce_handoffs"]


def announce_handoffs() -> int:
    context = jobs.installed()
    now = context.clock.now()
    with context.sessions() as session:
        due = rotation_service.due_handoffs(session, now)
    done = 0
    new_leads: set[str] = set()  # teams whose charter canvases now name a new lead
    for team_id, rotation_id, day in due:
        with context.sessions.begin() as session:
            rotation = rotation_service.find_by_id(session, team_id, rotation_id)
            if rotation is None:
                continue
            handoff = rotations.handoff_on(rotation_service.plan_of(session, rotation), day)
            if not handoff.changed and handoff.outgoing is not None:
                continue  # an adjustment that kept the lead: its command announced it
            rotation_service.inherit(
                session,
                rotation,
                day,
                handoff.outgoing,
                handoff.incoming,
                now,
                handoff.occurrence,
            )
        try:
            sent = announce_handoff(
                context.client_for(team_id),
                context.sessions,
                team_id=team_id,
                rotation_id=rotation_id,
                day=day,
                handoff=handoff,
                now=now,
            )
        except ChannelGone as gone:
            log.warning("handoff of rotation %s not announced: %s", rotation_id, gone.error)
            continue
        except NotInstalled:
            log.info("handoff of rotation %s not announced: team not installed", rotation_id)
            continue
        done += sent
        if sent:
            new_leads.add(team_id)
    for team_id in sorted(new_leads):
        refresh_charter_canvases(
            context.client_for(team_id), context.sessions, context.clock, team_id
        )
    return done
