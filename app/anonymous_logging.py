"""One logging filter that keeps anonymous flows out of the logs, at every level.

slack_sdk logs every Web API request and response body at DEBUG, and Bolt logs what it answers;
in an anonymous flow those bodies carry view ids, the modal's contents and (in the steward's
DM, the retro's answers) anonymous text next to a user or channel id. A record from any logger
that mentions an anonymous surface keeps its level, logger and time (so operators still see
that something happened) but loses its details: only the Web API method is left.
"""

from __future__ import annotations

import logging
import re

from app import ids

# Anything that appears in a request, response or answer of an anonymous flow.
MARKERS = (
    ids.RETRO_ANSWER,
    ids.RETRO_VIEW,
    ids.FEEDBACK_VIEW,
    ids.FEEDBACK_TEXT,
    ids.POLL_RATE,
    ids.POLL_NOMINATE,
    "Anonymous report",
    "Anonymous answers",
)
_METHOD = re.compile(r"/api/([a-z]+\.[A-Za-z.]+)")
# The loggers that print bodies; the filter also sits on the root logger's handlers, which see
# every record, whatever its logger.
BODY_LOGGERS = (
    "slack_bolt",
    "slack_sdk",
    "slack_sdk.web.base_client",
    "slack_sdk.web.client",
    "slack_sdk.webhook.client",
    "slack_sdk.socket_mode",
)


class RedactAnonymousFlows(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True  # not ours to judge; logging reports its own formatting errors
        if not any(marker in message for marker in MARKERS):
            return True
        method = _METHOD.search(message)
        where = f" ({method.group(1)})" if method else ""
        record.msg = f"anonymous flow{where}: details not logged"
        record.args = ()
        record.exc_info = record.exc_text = record.stack_info = None
        return True


FILTER = RedactAnonymousFlows()


def install() -> None:
    """Idempotent: add the filter to the body-printing loggers and the root handlers."""
    targets = [logging.getLogger(name) for name in BODY_LOGGERS]
    targets += logging.getLogger().handlers
    for target in targets:
        if FILTER not in target.filters:
            target.addFilter(FILTER)
