"""The product's words: statuses, frameworks, approaches, zones, tiebreakers, poll states.

The ground floor: db, domain, blocks and listeners all import these, and this module imports
nothing of the app, so naming a status never drags in the ORM or Slack.
"""

from __future__ import annotations

import enum


class Status(enum.StrEnum):
    OPEN = "open"
    ESCALATED = "escalated"
    DECIDED = "decided"
    SUPERSEDED = "superseded"
    CANCELLED = "cancelled"


class Framework(enum.StrEnum):
    EXPERTISE = "expertise"
    SITUATIONAL = "situational"
    ROTATING = "rotating"


class Approach(enum.StrEnum):
    STRATEGIC = "strategic"
    TACTICAL = "tactical"
    STRUCTURAL = "structural"


class Tiebreaker(enum.StrEnum):
    """Who settles a tied or under-attended poll: the opener, the poll's leader, the team's
    steward, or the current lead of the channel's rotation (the opener when there is none)."""

    OPENER = "opener"
    POLL_LEADER = "poll_leader"
    STEWARD = "steward"
    ROTATION_LEAD = "rotation_lead"


class PollStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Zone(enum.StrEnum):
    LOCAL = "local"
    PRINCIPLE = "principle"
    CENTRE = "centre"
