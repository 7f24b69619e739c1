"""`/decide` and its subcommands."""

from __future__ import annotations

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from app import ids
from app.blocks.messages import build_error, build_help, build_log_results, build_notice
from app.blocks.modals import DeclarePrefill, build_declare_modal
from app.blocks.text import escape
from app.domain import decisions
from app.domain.poll_service import PollOptions
from app.listeners.commands import charter, grammar, schedules
from app.listeners.commands.stats import show_stats
from app.listeners.declare_form import declare_extras
from app.listeners.deps import Deps
from app.listeners.payloads import CommandPayload, parse
from app.listeners.people import decider_problem
from app.listeners.poll_publish import closing_time, launch_poll
from app.posting.cards import CardNotPosted, post_card

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
                ack(
                    response_type="ephemeral",
                    text=escape(message),
                    blocks=build_error(escape(message)),
                )
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
                ack()
                declare_now(command, title, decider_id, client, respond, deps)
            case grammar.StartPoll() as poll:
                ack()
                start_poll(command, poll, client, respond, deps)
            case grammar.ShowStats() as stats:
                ack()
                show_stats(stats, command, client, respond, deps)
            case grammar.ShowSchedule() | grammar.RemoveSchedule() | grammar.SetSchedule():
                ack()
                schedules.handle(intent, command, client, respond, deps)
            case _:  # rotation, charter, values, steward, feedback
                ack()
                charter.handle(intent, command, client, respond, deps)


def declare_now(
    command: CommandPayload,
    title: str,
    decider_id: str,
    client: WebClient,
    respond: Respond,
    deps: Deps,
) -> None:
    problem = decider_problem(client, decider_id)
    if problem:
        respond(response_type="ephemeral", text=problem, blocks=build_error(problem))
        return
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
    if not created:
        return
    try:
        post_card(client, deps.sessions, command.team_id, decision.id)
    except CardNotPosted as exc:
        respond(response_type="ephemeral", text=str(exc), blocks=build_notice(str(exc)))


def start_poll(
    command: CommandPayload,
    poll: grammar.StartPoll,
    client: WebClient,
    respond: Respond,
    deps: Deps,
) -> None:
    """Open a decision with no decider yet, post its card, and the poll in its thread."""
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
        respond(response_type="ephemeral", text=str(exc), blocks=build_notice(str(exc)))
