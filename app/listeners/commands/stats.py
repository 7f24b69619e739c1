"""`/decide stats [channel|team] [30d|90d|all] [chart]`: the figures, privately; charts, shared."""

from __future__ import annotations

from datetime import timedelta

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from app.blocks.messages import build_notice
from app.blocks.replies import charts_comment
from app.blocks.slack_errors import refusal_text
from app.blocks.stats import build_stats
from app.domain import figures, metrics
from app.listeners.commands import grammar
from app.listeners.deps import Deps
from app.listeners.payloads import CommandPayload
from app.posting.charts import post_charts
from app.posting.send import slack_error_code


def show_stats(
    intent: grammar.ShowStats,
    command: CommandPayload,
    client: WebClient,
    respond: Respond,
    deps: Deps,
) -> None:
    since = deps.clock.now() - timedelta(days=intent.days) if intent.days else None
    channel = None if intent.whole_team else command.channel_id
    scope = metrics.Scope(command.team_id, channel, since)
    where = "the team" if intent.whole_team else "this channel"
    period = f"last {intent.days} days" if intent.days else "all time"
    with deps.sessions() as session:
        shared = figures.shared_figures(
            session,
            scope,
            deps.clock.now(),
            deps.team_views,
            key=("stats", channel, intent.days),
            side=deps.side_reads,
        )
    board, found = shared.board, shared.insight_for(command.user_id)
    respond(
        response_type="ephemeral",
        text=f"How {where} decides ({period})",
        blocks=build_stats(board, where, period, found),
    )
    if not intent.chart:
        return
    try:
        post_charts(
            client,
            deps.sessions,
            scope,
            channel_id=command.channel_id,
            where=where,
            comment=charts_comment(where, period, command.user_id),
        )
    except SlackApiError as exc:
        problem = refusal_text(slack_error_code(exc), command.channel_id, command.channel_name)
        respond(response_type="ephemeral", text=problem, blocks=build_notice(problem))
