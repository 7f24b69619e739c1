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


#: The Slack message metadata `event_type` a card carries in each status (README, "Decision
#: events"): other apps and workflows react to these without reading the card's words. Every
#: status has one (tests/blocks/test_card_events.py), so a new status cannot ship without.
CARD_EVENTS: dict[Status, str] = {
    Status.OPEN: "decision_opened",
    Status.ESCALATED: "decision_escalated",
    Status.DECIDED: "decision_decided",
    Status.SUPERSEDED: "decision_superseded",
    Status.CANCELLED: "decision_cancelled",
}


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


class Action(enum.StrEnum):
    """Everything someone may try to do; app.domain.permissions says who may do which."""

    DECLARE = "declare"
    RECORD_RESOLUTION = "record resolution"
    RECORD_OUTCOME = "record outcome"
    ESCALATE = "escalate"
    DEESCALATE = "de-escalate"
    CONSENSUS_CHECK = "ask for a consensus check"
    OBJECT = "agree or object"
    WITHDRAW_OBJECTION = "withdraw an objection"
    POLL_START = "start an expertise poll"
    POLL_CLOSE = "close a poll early"
    POLL_ADOPT = "make the poll's pick the decider"
    CLAIM = "claim or hand out (check-in)"
    APPLY_TIEBREAKER = "apply the tiebreaker"
    CANCEL = "cancel"
    REOPEN = "reopen"
    SUPERSEDE = "supersede"
    REASSIGN = "hand on to another decider"
    EDIT = "edit"
    CHARTER_EDIT = "edit the charter"
    VALUES_EDIT = "edit the values"
    ROTATION_EDIT = "edit rotations"
    STEWARD_EDIT = "name the steward"
    CANVAS_CREATE = "create the charter canvas"
    SCHEDULE_EDIT = "change check-in or retro schedules"
    SHARE_FORECAST = "share a forecast on the card"
