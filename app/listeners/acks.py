"""Acknowledging only what is stored.

Slack retries neither slash commands nor clicks nor form submissions, so a listener stores its
effect first and answers Slack after (code before ack() runs before the HTTP answer); slow
Slack calls come after ack(). When storing fails (the database is down, or the rules refuse),
the request is still acknowledged and the error goes on to the one error handler, which tells
the person through the response_url or an ephemeral that nothing was saved, as it does for
every failure after ack().
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from slack_bolt import Ack


@contextmanager
def acknowledged_if_it_fails(ack: Ack) -> Iterator[None]:
    try:
        yield
    except Exception:
        ack()
        raise
