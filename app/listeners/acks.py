"""Acknowledging a click only once its effect is stored.

Slack retries neither clicks nor commands nor form submissions, so a listener stores its
effect first and answers Slack after (code before ack() runs before the HTTP answer); slow
Slack calls come after ack(). A command or a form that fails before its ack gets the error
handler's words as the acknowledgement itself (app.listeners.errors). A click's answer can
carry no words, so when storing fails (the database is down, or the rules refuse) the click is
acknowledged first and the error goes on to the one error handler, which tells the person
through the response_url or an ephemeral that nothing was saved.
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
