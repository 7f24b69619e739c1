"""Posting and refreshing decision cards.

Why apart: a card is posted only after its decision is committed, and discarded if Slack
refuses it; that order is the card's own rule, kept next to the post that needs it.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session, sessionmaker

from app.blocks.cards import build_decision_card, card_text
from app.blocks.slack_errors import refusal_text
from app.db.models import Decision
from app.domain import decisions
from app.posting.send import explain_slack_error, slack_error_code, update_message

log = logging.getLogger(__name__)


class CardNotPosted(Exception):
    """Slack refused the card; the decision was not kept. The message is for the user.

    `code` and `channel_id` let a listener that knows the conversation's `channel_name`
    (commands and shortcuts carry it) word the advice for that conversation."""

    def __init__(
        self, message: str, code: str | None = None, channel_id: str | None = None, tail: str = ""
    ) -> None:
        super().__init__(message)
        self.code, self.channel_id, self.tail = code, channel_id, tail

    def said_in(self, channel_name: str | None) -> str:
        """The message, worded for the conversation named `channel_name`."""
        if self.code is None:
            return str(self)
        return f"{refusal_text(self.code, self.channel_id, channel_name)}{self.tail}"


def post_card(
    client: WebClient, sessions: sessionmaker[Session], team_id: str, decision_id: int
) -> Decision:
    """Post a new decision's card and remember where it is.

    The decision is committed before posting, so a crash never leaves a card with no row behind
    it; if Slack refuses the card, the unseen decision is discarded and the user is told why.
    """
    with sessions() as session:
        decision = decisions.get_decision(session, team_id, decision_id)
    try:
        posted = client.chat_postMessage(
            channel=decision.channel_id,
            thread_ts=decision.thread_ts,
            text=card_text(decision),
            blocks=build_decision_card(decision),
            unfurl_links=False,
        )
    except SlackApiError as exc:
        with sessions.begin() as session:
            decisions.discard_unposted(session, team_id, decision_id)
        tail = " Nothing was saved."
        raise CardNotPosted(
            explain_slack_error(exc, decision.channel_id) + tail,
            slack_error_code(exc),
            decision.channel_id,
            tail,
        ) from exc
    ts = str(posted["ts"])
    permalink = None
    try:
        permalink = client.chat_getPermalink(channel=decision.channel_id, message_ts=ts).get(
            "permalink"
        )
    except SlackApiError as exc:
        log.warning("no permalink for decision %s: %s", decision_id, exc.response.get("error"))
    with sessions.begin() as session:
        return decisions.attach_card(
            session, team_id=team_id, decision_id=decision_id, card_ts=ts, permalink=permalink
        )


def refresh_card(client: WebClient, decision: Decision) -> bool:
    """Redraw the card in place. False when Slack refused (the database change still stands)."""
    if not decision.card_ts:
        return False
    return update_message(
        client,
        decision.channel_id,
        decision.card_ts,
        card_text(decision),
        build_decision_card(decision),
        what=f"card of decision {decision.id}",
    )
