"""`/decide` and its subcommands."""

from __future__ import annotations

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from app import ids
from app.blocks.messages import build_error, build_help, build_log_results, build_notice
from app.blocks.modals import DeclarePrefill, build_declare_modal
from app.domain import decisions
from app.domain.poll_service import PollOptions
from app.listeners.acks import acknowledged_if_it_fails
from app.listeners.commands import charter, grammar, schedules
from app.listeners.commands.stats import show_stats
from app.listeners.declare_form import declare_extras
from app.listeners.deps import Deps
from app.listeners.payloads import CommandPayload, parse
from app.listeners.poll_publish import (
    closing_time,
    post_poll,
    schedule_poll_closing,
    store_poll_of,
)
from app.posting.cards import CardNotPosted, publish_card

LOG_PAGE = 20


def register(app: App, deps: Deps) -> None:
    @app.command(ids.DECIDE_COMMAND)
    def decide(ack: Ack, body: dict, client: WebClient, respond: Respond) -> None:
        command = parse(CommandPayload, body)
        intent = grammar.parse(command.text)
        match intent:
            case grammar.ShowHelp():
                ack(response_type="ephemeral", text="How to use /decide", blocks=build_help())
            case grammar.Problem(message):
                ack(response_type="ephemeral", text=message, blocks=build_error(message))
            case grammar.SearchLog(words):
                ack()
                with deps.sessions() as session:
                    found, total = decisions.search_log(
                        session, command.team_id, words, limit=LOG_PAGE
                    )
                    blocks = build_log_results(found, words, total)
                respond(response_type="ephemeral", text="Decision log", blocks=blocks)
            case grammar.OpenForm(title):
                ack()
                metadata_url = deps.trusted_response_url(command.response_url)
                client.views_open(
                    trigger_id=command.trigger_id,
                    view=build_declare_modal(
                        DeclarePrefill(title=title),
                        channel_id=command.channel_id,
                        response_url=metadata_url,
                        extras=declare_extras(deps, command.team_id),
                    ),
                )
            case grammar.DeclareNow(title, decider_id):
                with acknowledged_if_it_fails(ack):
                    decision_id = store_declaration(command, title, decider_id, deps)
                ack()
                if decision_id is not None:
                    post_declaration(command, decision_id, client, respond, deps)
            case grammar.StartPoll() as poll:
                with acknowledged_if_it_fails(ack):
                    stored = store_poll(command, poll, client, deps)
                ack()
                if stored is not None:
                    post_poll_decision(command, *stored, client, respond, deps)
            case grammar.ShowStats() as stats:
                ack()
                show_stats(stats, command, client, respond, deps)
            case grammar.ShowSchedule() | grammar.RemoveSchedule() | grammar.SetSchedule():
                ack()
                schedules.handle(intent, command, client, respond, deps)
            case _:  # rotation, charter, values, steward, feedback
                ack()
                charter.handle(intent, command, client, respond, deps)


def store_declaration(
    command: CommandPayload, title: str, decider_id: str, deps: Deps
) -> int | None:
    """Store `/decide Title @x` before ack(): Slack does not retry slash commands, so a
    declaration acknowledged and then lost to a crash would be lost for good. Returns the new
    decision's id, or None for a redelivered command.

    The decider is vetted with users.info only afterwards (a slow Slack call does not belong
    before the 3-second ack): if they cannot hold a decision, the stored decision, which
    nobody has seen yet, is discarded and the person told why (app.posting.cards). If this
    process dies after the ack, the sweep (app.jobs.cards) vets and posts the card instead.
    """
    declaration = decisions.Declaration(
        title=title, channel_id=command.channel_id, decider_id=decider_id
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
    return decision.id if created else None


def post_declaration(
    command: CommandPayload, decision_id: int, client: WebClient, respond: Respond, deps: Deps
) -> None:
    """After ack(): vet the decider and post the card, exactly once (the sweep may race us)."""
    try:
        publish_card(client, deps.sessions, deps.clock, command.team_id, decision_id, vet=True)
    except CardNotPosted as exc:
        respond(response_type="ephemeral", text=str(exc), blocks=build_notice(str(exc)))


def store_poll(
    command: CommandPayload, poll: grammar.StartPoll, client: WebClient, deps: Deps
) -> tuple[int, int | None] | None:
    """Store `/decide poll`'s decision (no decider yet) and its poll before ack(); returns
    (decision id, poll id), or None for a redelivered command. Only a wall-clock closing time
    asks Slack anything first (the opener's time zone, one users.info)."""
    options = PollOptions(
        closes_at=closing_time(client, poll.closes, command.user_id, deps.clock.now()),
        anonymous=poll.anonymous,
        min_responses=poll.min_responses,
    )
    origin = f"command:{command.trigger_id}"
    with deps.sessions.begin() as session:
        decision, created = decisions.open_decision(
            session,
            team_id=command.team_id,
            team_domain=command.team_domain,
            declaration=decisions.Declaration(title=poll.topic, channel_id=command.channel_id),
            actor_id=command.user_id,
            origin_key=origin,
            now=deps.clock.now(),
        )
        if not created:
            return None
        poll_id = store_poll_of(
            session,
            deps,
            team_id=command.team_id,
            decision_id=decision.id,
            user_id=command.user_id,
            options=options,
            origin_key=origin,
        )
    if poll_id is not None:
        schedule_poll_closing(deps, command.team_id, poll_id, options.closes_at)
    return decision.id, poll_id


def post_poll_decision(
    command: CommandPayload,
    decision_id: int,
    poll_id: int | None,
    client: WebClient,
    respond: Respond,
    deps: Deps,
) -> None:
    """After ack(): the card, then the poll in its thread."""
    try:
        publish_card(client, deps.sessions, deps.clock, command.team_id, decision_id)
        if poll_id is not None:
            post_poll(client, deps, command.team_id, poll_id)
    except CardNotPosted as exc:
        respond(response_type="ephemeral", text=str(exc), blocks=build_notice(str(exc)))
