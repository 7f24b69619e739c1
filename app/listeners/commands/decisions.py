"""`/decide <title> @person`, `/decide` (the form), `/decide poll …` and `/decide log …`."""

from __future__ import annotations

from slack_bolt import Respond
from slack_sdk import WebClient

from app.blocks.messages import build_error, build_log_results, build_notice
from app.blocks.modals import DeclarePrefill, build_declare_modal
from app.domain import decisions
from app.domain.poll_service import PollOptions
from app.listeners.commands import grammar
from app.listeners.declare_form import declare_extras
from app.listeners.deps import Deps
from app.listeners.payloads import CommandPayload
from app.listeners.people import decider_problem
from app.listeners.poll_publish import closing_time, launch_poll
from app.posting.cards import CardNotPosted, post_card

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
    client: WebClient,
    respond: Respond,
    deps: Deps,
) -> None:
    problem = decider_problem(client, intent.decider_id)
    if problem:
        respond(response_type="ephemeral", text=problem, blocks=build_error(problem))
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
    if not created:
        return
    try:
        post_card(client, deps.sessions, command.team_id, decision.id)
    except CardNotPosted as exc:
        problem = exc.said_in(command.channel_name)
        respond(response_type="ephemeral", text=problem, blocks=build_notice(problem))


def start_poll(
    intent: grammar.StartPoll,
    command: CommandPayload,
    client: WebClient,
    respond: Respond,
    deps: Deps,
) -> None:
    """Open a decision with no decider yet, post its card, and the poll in its thread."""
    options = PollOptions(
        closes_at=closing_time(client, intent.closes, command.user_id, deps.clock.now()),
        anonymous=intent.anonymous,
        min_responses=intent.min_responses,
    )
    origin = f"command:{command.trigger_id}"
    with deps.sessions.begin() as session:
        decision, created = decisions.open_decision(
            session,
            team_id=command.team_id,
            team_domain=command.team_domain,
            declaration=decisions.Declaration(title=intent.topic, channel_id=command.channel_id),
            actor_id=command.user_id,
            origin_key=origin,
            now=deps.clock.now(),
        )
    if not created:
        return
    try:
        post_card(client, deps.sessions, command.team_id, decision.id)
        launch_poll(
            client,
            deps,
            team_id=command.team_id,
            decision_id=decision.id,
            user_id=command.user_id,
            options=options,
            origin_key=origin,
        )
    except CardNotPosted as exc:
        problem = exc.said_in(command.channel_name)
        respond(response_type="ephemeral", text=problem, blocks=build_notice(problem))
