"""`/decide` and its subcommands: the words are parsed into an intent (grammar.py), and each
kind of intent goes to the one handler below that serves it.

Slack does not retry slash commands, so a command whose effect must outlive a crash stores it
before it is acknowledged: those handlers (STORED_BEFORE_ACK) call ack() themselves. If storing
fails, the error handler's answer is the acknowledgement (app.listeners.errors)."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from app import ids
from app.blocks.messages import build_error, build_help
from app.blocks.text import escape
from app.listeners.commands import (
    charter,
    decisions,
    feedback,
    grammar,
    lifecycle,
    rotation,
    schedules,
    stats,
    steward,
    values,
)
from app.listeners.commands import grammar_charter as g
from app.listeners.commands import grammar_lifecycle as life
from app.listeners.deps import Deps
from app.listeners.payloads import CommandPayload

Handler = Callable[[object, CommandPayload, WebClient, Respond, Deps], None]
HANDLERS: dict[type, Handler] = {
    grammar.SearchLog: decisions.search_log,
    grammar.OpenForm: decisions.open_form,
    grammar.ShowStats: stats.show_stats,
    grammar.ShowSchedule: schedules.handle,
    grammar.RemoveSchedule: schedules.handle,
    grammar.SetSchedule: schedules.handle,
    g.ShowRotations: rotation.show,
    g.SetRotation: rotation.put,
    g.AdjustRotation: rotation.adjust,
    g.ShowCharter: charter.show,
    g.CharterCanvas: charter.canvas,
    g.EditValues: values.edit,
    g.ShowSteward: steward.show,
    g.SetSteward: steward.put,
    g.OpenFeedback: feedback.open_form,
    life.EditDecision: lifecycle.edit,
}
StoringHandler = Callable[[object, CommandPayload, Ack, WebClient, Respond, Deps], None]
STORED_BEFORE_ACK: dict[type, StoringHandler] = {
    grammar.DeclareNow: decisions.declare_now,
    grammar.StartPoll: decisions.start_poll,
    life.CancelDecision: lifecycle.cancel,
    life.ReopenDecision: lifecycle.reopen,
    life.HandOn: lifecycle.handoff,
    life.SupersedeDecision: lifecycle.supersede,
    life.EscalateDecision: lifecycle.escalate,
}


def decide(ack: Ack, slash: CommandPayload, deps: Deps, client: WebClient, respond: Respond):
    """Help and usage problems are the acknowledgement itself; declarations and polls are
    stored, then acked; the rest is acked, then done."""
    intent = grammar.parse(slash.text)
    match intent:
        case grammar.ShowHelp():
            ack(response_type="ephemeral", text="How to use /decide", blocks=build_help())
        case grammar.Problem(message, usage):
            said = escape(message)
            ack(response_type="ephemeral", text=said, blocks=build_error(said, usage=usage))
        case _ if type(intent) in STORED_BEFORE_ACK:
            STORED_BEFORE_ACK[type(intent)](intent, slash, ack, client, respond, deps)
        case _:
            ack()
            HANDLERS[type(intent)](intent, slash, client, respond, deps)


def register(app: App, deps: Deps) -> None:
    app.command(ids.DECIDE_COMMAND)(decide)
