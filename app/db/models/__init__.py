"""The tables, one module per area. Every row carries the Slack team (workspace) it belongs to.

Importing this package registers every table on `Base.metadata` (Alembic and the tests rely
on that), so code keeps importing models from `app.db.models`.
"""

from app.db.models.base import (
    NAMING,
    Base,
    Team,
)
from app.db.models.charter import (
    Charter,
    CharterCanvas,
    CharterDomain,
    CharterEvent,
    CharterFormalLead,
    ConsensusCheck,
    ConsensusVote,
    FeedbackReport,
    Rotation,
    RotationChange,
)
from app.db.models.counts import DecisionCountChange, DecisionDayCount, DecisionLoad
from app.db.models.decisions import Decision, DecisionEvent
from app.db.models.installs import (
    BOTS_TABLE,
    INSTALLATIONS_TABLE,
    OAUTH_STATES_TABLE,
    OrgWorkspace,
)
from app.db.models.names import KnownName
from app.db.models.polls import ExpertisePoll, PollVote
from app.db.models.schedules import (
    AnonymityKey,
    ChannelSchedule,
    RetroAnswer,
    RetroRespondent,
    ScheduledPost,
)

__all__ = [
    "BOTS_TABLE",
    "INSTALLATIONS_TABLE",
    "NAMING",
    "OAUTH_STATES_TABLE",
    "AnonymityKey",
    "Base",
    "ChannelSchedule",
    "Charter",
    "CharterCanvas",
    "CharterDomain",
    "CharterEvent",
    "CharterFormalLead",
    "ConsensusCheck",
    "ConsensusVote",
    "Decision",
    "DecisionCountChange",
    "DecisionDayCount",
    "DecisionEvent",
    "DecisionLoad",
    "ExpertisePoll",
    "FeedbackReport",
    "KnownName",
    "OrgWorkspace",
    "PollVote",
    "RetroAnswer",
    "RetroRespondent",
    "Rotation",
    "RotationChange",
    "ScheduledPost",
    "Team",
]
