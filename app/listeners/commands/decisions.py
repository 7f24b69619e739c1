"""`/decide <title> @person`, `/decide` (the form), `/decide poll …` and `/decide log …`."""

from __future__ import annotations

from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from app.blocks.messages import build_log_results, build_notice
from app.blocks.modals import DeclarePrefill, build_declare_modal
from app.domain import decisions, poll_service
from app.domain.poll_service import PollOptions
from app.listeners.commands import grammar
from app.listeners.declare_form import declare_extras
from app.listeners.deps import Deps
from app.listeners.payloads import CommandPayload
from app.listeners.poll_publish import closing_time, post_poll, schedule_poll_closing
from app.listeners.similar import notice_for_command, similar_to
from app.posting.cards import CardNotPosted, claim_card, publish_card, publish_claimed_card

LOG_PAGE = 20


def search_log(
    intent: grammar.SearchLog,
    command: CommandPayload,
    client: WebClient,
    respond: Respond,
    deps: Deps,
) -> None:
    with deps.sessions() as session:
        found, total = decisions.search_log(session, command.team_id, intent.words, limit=LOG_PAGE)
        blocks = build_log_results(found, intent.words, total)
    respond(response_type="ephemeral", text="Decision log", blocks=blocks)


def open_form(
    intent: grammar.OpenForm,
    command: CommandPayload,
    client: WebClient,
    respond: Respond,
    deps: Deps,
) -> None:
    deps.open_form(
        client,
        command,
        build_declare_modal(
            DeclarePrefill(title=intent.title),
            channel_id=command.channel_id,
            response_url=deps.trusted_response_url(command.response_url),
            extras=declare_extras(deps, command.team_id),
            channel_name=command.channel_name,
        ),
    )


def declare_now(
    intent: grammar.DeclareNow,
    command: CommandPayload,
    ack: Ack,
    client: WebClient,
    respond: Respond,
    deps: Deps,
) -> None:
    """Store `/decide Title @x`, then ack(), then vet the decider and post the card; or, when
    the team has a decision like it, show that privately first and store nothing yet.

    Stored before ack(): Slack does not retry slash commands, so a declaration acknowledged
    and then lost to a crash would be lost for good. The decider is vetted with users.info
    only afterwards (a slow Slack call does not belong before the 3-second ack): if they cannot
    hold a decision, the stored decision, which nobody has seen yet, is discarded and the
    person told why (app.posting.cards). If this process dies after the ack, the card sweep
    (app.jobs.cards) vets and posts the card instead, exactly once (the ledger decides).
    """
    if found := similar_to(deps, command.team_id, intent.title):
        # Nothing is stored yet: the notice's buttons carry what was typed (listeners/similar).
        ack(
            response_type="ephemeral",
            text="This looks like a decision your team already has.",
            blocks=notice_for_command(deps, command, intent.title, intent.decider_id, found),
        )
        return
    declaration = decisions.Declaration(
        title=intent.title, channel_id=command.channel_id, decider_id=intent.decider_id
    )
    with deps.sessions.begin() as session:
        decision, created = decisions.open_decision(
            session,
            team_id=command.team_id,
            team_domain=command.team_domain,
            declaration=declaration,
            actor_id=command.user_id,
            origin_key=f"command:{command.trigger_id}",
            now=deps.clock.now(),
        )
        # The card is claimed in the same transaction: one write fewer per command.
        held = claim_card(session, deps.clock, decision, created_here=True) if created else None
    ack()
    if held is None:
        return
    try:
        publish_claimed_card(
            client,
            deps.sessions,
            deps.clock,
            decision,
            held,
            vet=True,
            people=deps.people,
            urls=deps.urls,
        )
    except CardNotPosted as exc:
        problem = exc.said_in(command.channel_name)
        respond(response_type="ephemeral", text=problem, blocks=build_notice(problem))


def people_in(client: WebClient, channel_id: str) -> int | None:
    """How many people could answer a poll here: the channel's members but the bot (Slack's
    num_members counts it); None where Slack does not say (a DM, a channel it cannot see)."""
    try:
        channel = client.conversations_info(channel=channel_id, include_num_members=True)
    except SlackApiError:
        return None
    count = channel["channel"].get("num_members")
    return max(int(count) - 1, 0) if isinstance(count, int) else None


def start_poll(
    intent: grammar.StartPoll,
    command: CommandPayload,
    ack: Ack,
    client: WebClient,
    respond: Respond,
    deps: Deps,
) -> None:
    """Store a decision with no decider yet and its poll, then ack(), then post its card and
    the poll in its thread. Only a wall-clock closing time asks Slack anything before the ack
    (the opener's time zone, one users.info), and a `--min` above 1 how many
    people are in the channel (one conversations.info)."""
    options = PollOptions(
        closes_at=closing_time(client, deps, command.team_id, intent.closes, command.user_id),
        anonymous=intent.anonymous,
        min_responses=intent.min_responses,
        people_here=people_in(client, command.channel_id) if intent.min_responses > 1 else None,
    )
    with deps.sessions.begin() as session:
        stored = poll_service.open_with_poll(
            session,
            team_id=command.team_id,
            team_domain=command.team_domain,
            declaration=decisions.Declaration(title=intent.topic, channel_id=command.channel_id),
            opened_by=command.user_id,
            options=options,
            origin_key=f"command:{command.trigger_id}",
            now=deps.clock.now(),
        )
    if stored is not None:
        schedule_poll_closing(deps, command.team_id, stored[1], options.closes_at)
    ack()
    if stored is None:
        return
    decision_id, poll_id = stored
    try:
        publish_card(
            client, deps.sessions, deps.clock, command.team_id, decision_id, urls=deps.urls
        )
        post_poll(client, deps, command.team_id, poll_id)
    except CardNotPosted as exc:
        problem = exc.said_in(command.channel_name)
        respond(response_type="ephemeral", text=problem, blocks=build_notice(problem))
