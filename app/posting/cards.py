"""Posting and refreshing decision cards, and telling one person something privately."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block
from slack_sdk.webhook import WebhookClient
from sqlalchemy.orm import Session, sessionmaker

from app.blocks.cards import build_decision_card, card_text
from app.db.models import Decision
from app.domain import decisions

log = logging.getLogger(__name__)

CHANNEL_PROBLEMS = {
    "not_in_channel": "I'm not in this channel, so I can't post the card. "
    "Invite me with `/invite @Deference`, then try again.",
    "channel_not_found": "I can't post in this conversation: private channels and direct messages "
    "need me invited first (`/invite @Deference`). Or use a channel I'm in.",
    "is_archived": "This channel is archived, so I can't post there.",
}
# A DM between people (the bot's own DM with someone always works): no invite can help.
DM_BETWEEN_PEOPLE = (
    "I can't post in a direct message between people, and nobody can invite me there. "
    "Run this in a channel I'm in, or in your direct message with me."
)


class CardNotPosted(Exception):
    """Slack refused the card; the decision was not kept. The message is for the user."""


def explain_slack_error(error: str, channel_id: str | None = None) -> str:
    """What the person can do about Slack's refusal, in the conversation it happened in."""
    if error == "channel_not_found" and (channel_id or "")[:1] == "D":
        return DM_BETWEEN_PEOPLE
    return CHANNEL_PROBLEMS.get(
        error, f"Slack refused the message (`{error}`). Please try again in a moment."
    )


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
        error = str(exc.response.get("error", "unknown_error"))
        with sessions.begin() as session:
            decisions.discard_unposted(session, team_id, decision_id)
        problem = explain_slack_error(error, decision.channel_id)
        raise CardNotPosted(problem + " Nothing was saved.") from exc
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
    try:
        client.chat_update(
            channel=decision.channel_id,
            ts=decision.card_ts,
            text=card_text(decision),
            blocks=build_decision_card(decision),
        )
    except SlackApiError as exc:
        log.warning("card of decision %s not updated: %s", decision.id, exc.response.get("error"))
        return False
    return True


def tell(
    client: WebClient,
    *,
    user_id: str,
    text: str,
    blocks: list[Block] | None = None,
    response_url: str | None = None,
    channel_id: str | None = None,
) -> None:
    """Say something only `user_id` sees: through the response_url when there is one, else an
    ephemeral message in the channel, else a direct message from the app."""
    if response_url:
        WebhookClient(response_url, timeout=10).send(
            text=text, blocks=blocks, response_type="ephemeral", replace_original=False
        )
        return
    if channel_id:
        try:
            client.chat_postEphemeral(channel=channel_id, user=user_id, text=text, blocks=blocks)
            return
        except SlackApiError as exc:
            log.info("ephemeral to %s in %s failed (%s); sending a DM", user_id, channel_id, exc)
    client.chat_postMessage(channel=user_id, text=text, blocks=blocks)
