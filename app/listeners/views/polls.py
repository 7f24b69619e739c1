"""The poll options modal: start a poll on a decision, or on a message (opening a decision)."""

from __future__ import annotations

import re

from slack_bolt import Ack, App
from slack_sdk import WebClient

from app import ids
from app.domain import decisions, poll_service, when
from app.domain.errors import InvalidInput
from app.listeners.deps import Deps
from app.listeners.payloads import BadPayload, ViewSubmission
from app.listeners.poll_publish import closing_time, post_poll, store_poll
from app.posting.cards import CardNotPosted, publish_card
from app.posting.send import tell

_CHANNEL_ID = re.compile(r"^[CDG][A-Z0-9]{2,30}$")
_TS = re.compile(r"^\d{1,12}\.\d{1,8}$")


def _options(submission: ViewSubmission, client: WebClient, deps: Deps):
    """(PollOptions, errors by block id): what can be said inline is said before ack()."""
    errors: dict[str, str] = {}
    closes_at = deps.clock.now() + when.DEFAULT
    try:
        spec = when.parse(submission.text_of(ids.CLOSES) or "24h")
        closes_at = closing_time(client, deps, submission.team_id, spec, submission.user.id)
    except InvalidInput as exc:
        errors[ids.CLOSES] = str(exc)
    minimum = submission.text_of(ids.MIN_RESPONSES) or "1"
    if not minimum.isdigit() or not 1 <= int(minimum) <= poll_service.MAX_MIN_RESPONSES:
        errors[ids.MIN_RESPONSES] = "Ask for between 1 and 100 responses."
        minimum = "1"
    anonymous = "yes" in submission.options_of(ids.ANONYMOUS)
    return poll_service.PollOptions(closes_at, anonymous, int(minimum)), errors


def _new_decision(submission: ViewSubmission, deps: Deps) -> tuple[int, bool]:
    """The shortcut's poll opens a decision in the message's thread."""
    metadata = submission.metadata()
    channel, thread_ts = metadata.get("channel"), metadata.get("thread_ts")
    if not isinstance(channel, str) or not _CHANNEL_ID.match(channel):
        raise BadPayload("private_metadata has no channel")
    if not isinstance(thread_ts, str) or not _TS.match(thread_ts):
        raise BadPayload("private_metadata has no thread_ts")
    declaration = decisions.Declaration(
        title=submission.text_of(ids.TOPIC), channel_id=channel, thread_ts=thread_ts
    )
    with deps.sessions.begin() as session:
        decision, created = decisions.open_decision(
            session,
            team_id=submission.team_id,
            team_domain=submission.team_domain,
            declaration=declaration,
            actor_id=submission.user.id,
            origin_key=f"view:{submission.view.id}",
            now=deps.clock.now(),
        )
    return decision.id, created


def start(ack: Ack, submission: ViewSubmission, deps: Deps, client: WebClient) -> None:
    """Start a poll on a decision, or (from the message shortcut) on a new decision.

    Stored before ack() (the decision a message shortcut opens, and the poll), posted after:
    a submission Slack saw accepted is never lost to a crash (app.jobs.cards repairs posts)."""
    metadata = submission.metadata()
    options, errors = _options(submission, client, deps)
    on_message = ids.TOPIC in submission.view.state.values
    if on_message:
        errors.update(_topic_errors(submission, deps))
    if errors:
        ack(response_action="errors", errors=errors)
        return
    team, user = submission.team_id, submission.user.id
    response_url = deps.trusted_response_url(metadata.get("response_url"))
    created = False
    if on_message:
        decision_id, created = _new_decision(submission, deps)
    else:
        decision_id = submission.metadata_int("decision_id", minimum=None)
    poll_id = store_poll(
        deps,
        team_id=team,
        decision_id=decision_id,
        user_id=user,
        options=options,
        origin_key=f"view:{submission.view.id}",
    )
    ack()
    try:
        if created:
            publish_card(client, deps.sessions, deps.clock, team, decision_id, urls=deps.urls)
        if poll_id is not None:
            post_poll(client, deps, team, poll_id)
    except CardNotPosted as exc:
        name = metadata.get("channel_name")
        text = exc.said_in(name if isinstance(name, str) else None)
        tell(client, user_id=user, text=text, response_url=response_url)


def _topic_errors(submission: ViewSubmission, deps: Deps) -> dict[str, str]:
    """The topic becomes a decision's title: the same rules apply."""
    title_errors = decisions.declaration_errors(
        decisions.Declaration(title=submission.text_of(ids.TOPIC), channel_id="C0"),
        deps.clock.now(),
    )
    return {ids.TOPIC: title_errors["title"]} if "title" in title_errors else {}


def register(app: App, deps: Deps) -> None:
    app.view(ids.POLL_VIEW)(start)
