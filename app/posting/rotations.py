"""Announcing a rotation's handoff: in its channel, and by DM to the two people, exactly once.

Why in posting: the handoff sweep (app.jobs.rotations) and `/decide rotation … skip|swap|away`
both announce, under the same ledger keys (app.domain.rotations.Handoff.occurrence), so a
handoff an adjustment already announced is never announced again by the sweep.
"""

from __future__ import annotations

from datetime import date, datetime

from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from app.blocks.rotations import build_handoff, handoff_text
from app.domain import rotation_service, rotations
from app.posting.scheduled import Message, Slot, deliver

KIND, DM_KIND = "handoff", "handoff_dm"


def announce_handoff(
    client: WebClient,
    sessions: sessionmaker[Session],
    *,
    team_id: str,
    rotation_id: int,
    day: date,
    handoff: rotations.Handoff,
    now: datetime,
    said: str | None = None,
) -> int:
    """Post the handoff in the channel, and DM the outgoing and incoming leads when the lead
    changed. Returns how many messages were posted now. Raises ChannelGone."""
    targets = [(KIND, str(rotation_id), None)]
    if handoff.changed:
        people = (handoff.outgoing, handoff.incoming)
        targets += [(DM_KIND, f"{rotation_id}:{p}", p) for p in people if p]
    done = 0
    for kind, subject, person in targets:
        render = _render(team_id, rotation_id, day, handoff, person, said)
        slot = Slot(team_id, kind, subject, handoff.occurrence)
        done += deliver(client, sessions, slot, now, render)
    return done


def _render(team_id, rotation_id, day, handoff: rotations.Handoff, person, said):
    def build(session: Session, _post_id: int) -> Message:
        rotation = rotation_service.find_by_id(session, team_id, rotation_id)
        assert rotation is not None
        plan = rotation_service.plan_of(session, rotation)
        outgoing = handoff.outgoing if handoff.changed or said else None
        held = rotation_service.held_by(session, rotation, handoff.incoming)
        until = rotations.next_handoff(plan, day)
        blocks = build_handoff(
            rotation.name, outgoing, handoff.incoming, held, until, rotation.tz, said
        )
        text = handoff_text(rotation.name, outgoing, handoff.incoming)
        return Message(person or rotation.channel_id, text, blocks)

    return build
