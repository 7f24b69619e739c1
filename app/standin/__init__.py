"""A local, real-HTTP stand-in for Slack used by tests, the offline console and benchmarks.

Why: the bot should meet Slack's limits and failure modes (block caps, expired triggers,
rate limits, dropped connections) on every test run, without a network or a workspace.
"""

from app.standin.blockkit import message_block_errors, view_errors
from app.standin.clock import ManualClock
from app.standin.modals import AckRefused
from app.standin.server import ApiCall, SlackStandIn
from app.standin.subscriptions import EventNotSubscribed
from app.standin.workspace import Reply, Workspace, sign

__all__ = [
    "AckRefused",
    "ApiCall",
    "EventNotSubscribed",
    "ManualClock",
    "Reply",
    "SlackStandIn",
    "Workspace",
    "message_block_errors",
    "sign",
    "view_errors",
]
