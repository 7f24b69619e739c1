"""Rotation handoffs: announced in the channel and by DM to the two people, exactly once.

A sweep, not a job per rotation: the lead is computed, so the sweep asks each rotation for its
latest change of lead and the ledger (kind "handoff"/"handoff_dm", occurrence = the local day)
makes a second run, a second process or a restart a no-op.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from app import jobs
from app.blocks.rotations import build_handoff, handoff_text
from app.domain import rotation_service, rotations
from app.installs import NotInstalled
from app.posting.canvas import refresh_charter_canvases
from app.posting.scheduled import ChannelGone, Message, Slot, deliver

log = logging.getLogger(__name__)

KIND, DM_KIND = "handoff", "handoff_dm"


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
            plan = rotation_service.plan_of(session, rotation)
            incoming = rotations.lead_on(plan, day)
            outgoing = rotations.previous_lead(plan, day)
            if outgoing == incoming:
                outgoing = None
            rotation_service.inherit(session, rotation, day, outgoing, incoming, now)
        occurrence = day.isoformat()
        targets = [(KIND, str(rotation_id), None)]
        targets += [(DM_KIND, f"{rotation_id}:{p}", p) for p in (outgoing, incoming) if p]
        for kind, subject, person in targets:
            render = _render(team_id, rotation_id, day, outgoing, incoming, person)
            try:
                sent = deliver(
                    context.client_for(team_id),
                    context.sessions,
                    Slot(team_id, kind, subject, occurrence),
                    now,
                    render,
                )
                done += sent
                if sent and kind == KIND:
                    new_leads.add(team_id)
            except ChannelGone as gone:
                log.warning("handoff of rotation %s not announced: %s", rotation_id, gone.error)
            except NotInstalled:
                log.info("handoff of rotation %s not announced: team not installed", rotation_id)
                break
    for team_id in sorted(new_leads):
        refresh_charter_canvases(
            context.client_for(team_id), context.sessions, context.clock, team_id
        )
    return done


def _render(team_id, rotation_id, day, outgoing, incoming, person):
    def build(session: Session, _post_id: int) -> Message:
        rotation = rotation_service.find_by_id(session, team_id, rotation_id)
        assert rotation is not None
        plan = rotation_service.plan_of(session, rotation)
        held = rotation_service.held_by(session, rotation, incoming)
        until = rotations.next_handoff(plan, day)
        blocks = build_handoff(rotation.name, outgoing, incoming, held, until, rotation.tz)
        text = handoff_text(rotation.name, outgoing, incoming)
        return Message(person or rotation.channel_id, text, blocks)

    return build
