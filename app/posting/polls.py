"""Posting an expertise poll exactly once, and redrawing it: the response count while open,
the result once closed.

Why in posting: the request that started the poll and the sweep repairing a crash
(app.jobs.cards) both post it; votes (a listener) and closing (a job) both redraw it.
"""

from __future__ import annotations

import hashlib
import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session, sessionmaker

from app import ids
from app.blocks.polls import build_poll_message, build_poll_result, poll_text
from app.domain import decisions, ledger, poll_service
from app.domain.clock import Clock
from app.domain.errors import NotFound
from app.posting.cards import CardNotPosted
from app.posting.claimed import Unanswered, claim, find_earlier_post, post_claimed
from app.posting.people import People
from app.posting.send import explain_slack_error, slack_error_code, update_message
from app.vocabulary import PollStatus

log = logging.getLogger(__name__)

POLL = "poll"  # the ledger kind of a poll's message


def publish_poll(
    client: WebClient, sessions: sessionmaker[Session], clock: Clock, team_id: str, poll_id: int
) -> str | None:
    """Post a stored poll in its decision's thread exactly once; the message's ts, or None when
    someone else holds its claim, it is gone, or its decision's card is not posted yet (the
    poll goes in the card's thread: the sweep posts it after the card). If Slack refuses it,
    the unseen poll is dropped, its ledger row skipped, and CardNotPosted says why."""
    with sessions.begin() as session:
        try:
            poll = poll_service.get_poll(session, team_id, poll_id)
        except NotFound:
            return None
        decision = decisions.get_decision(session, team_id, poll.decision_id)
        if poll.message_ts is not None or decision.card_ts is None:
            return None
        thread_ts = poll.thread_ts or decision.thread_ts or decision.card_ts
        title = decision.title
        held = claim(
            session,
            clock,
            team_id=team_id,
            kind=POLL,
            subject=str(poll_id),
            occurrence=hashlib.sha256(poll.origin_key.encode()).hexdigest()[:32],
        )
    if held is None:
        return None
    if held.taken_over and (ts := _earlier_poll(client, poll, thread_ts)) is not None:
        log.info("poll %s: the message a cut-off attempt posted is kept", poll_id)
        with sessions.begin() as session:
            poll_service.attach_message(session, team_id, poll_id, ts, thread_ts=thread_ts)
            ledger.finish(session, held.post_id, now=clock.now(), ts=ts, channel_id=poll.channel_id)
        return ts
    try:
        posted = post_claimed(
            client,
            sessions,
            clock,
            held,
            channel=poll.channel_id,
            thread_ts=thread_ts,
            text=poll_text(title),
            blocks=build_poll_message(poll, 0, title),
        )
    except SlackApiError as exc:
        with sessions.begin() as session:
            poll_service.discard_unposted(session, team_id, poll_id)
            ledger.finish(session, held.post_id, now=clock.now(), status=ledger.SKIPPED)
        problem, tail = explain_slack_error(exc, poll.channel_id), " The poll was not started."
        code = slack_error_code(exc)
        raise CardNotPosted(problem + tail, code, poll.channel_id, tail) from exc
    except Unanswered as exc:
        log.warning("poll %s: Slack did not answer (%s); the sweep retries", poll_id, exc)
        return None
    if posted is None:
        return None
    ts = str(posted["ts"])
    with sessions.begin() as session:
        poll_service.attach_message(session, team_id, poll_id, ts, thread_ts=thread_ts)
        ledger.finish(session, held.post_id, now=clock.now(), ts=ts, channel_id=poll.channel_id)
    return ts


def _earlier_poll(client: WebClient, poll, thread_ts: str | None) -> str | None:
    """The poll message an attempt cut off by a crash posted, if Slack shows one
    (app.posting.claimed)."""
    return find_earlier_post(
        client,
        channel=poll.channel_id,
        thread_ts=thread_ts,
        since=poll.created_at,
        button=(ids.POLL_CLOSE, str(poll.id)),
        what=f"poll {poll.id}",
    )


def redraw_poll(
    client: WebClient,
    sessions: sessionmaker[Session],
    team_id: str,
    poll_id: int,
    people: People | None = None,
) -> bool:
    """Show the poll as it now stands: the response count while open, the result once closed."""
    with sessions() as session:
        poll = poll_service.get_poll(session, team_id, poll_id)
        decision = decisions.get_decision(session, team_id, poll.decision_id)
        count = poll_service.response_count(session, team_id, poll_id)
    if poll.message_ts is None:
        return False
    if poll.status is PollStatus.OPEN:
        blocks = build_poll_message(poll, count, decision.title)
    else:
        outcome = poll_service.outcome_of(poll)
        assert outcome is not None
        adopted = outcome.decider is not None and decision.decider_id == outcome.decider
        blocks = build_poll_result(
            outcome,
            poll.anonymous,
            poll_id=poll.id,
            title=decision.title,
            adopted=adopted,
            decider_name=None if adopted else _name(client, people, team_id, outcome.decider),
        )
    return update_message(
        client,
        poll.channel_id,
        poll.message_ts,
        poll_text(decision.title, closed=poll.status is PollStatus.CLOSED),
        blocks,
        what=f"poll {poll_id}",
    )


def _name(
    client: WebClient, people: People | None, team_id: str, user_id: str | None
) -> str | None:
    if user_id is None:
        return None
    return (people or People()).name(client, team_id, user_id)
