"""The three steps: read the inputs Slack checked against the manifest, apply the same rules
as `/decide` with the person running the workflow as the actor, and hand back the outputs the
README documents. A step refuses with a sentence that names the input to change."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from slack_bolt import BoltContext, Complete, Fail
from slack_sdk import WebClient

from app.blocks.steps import authority_note, similar_problem, step_problem
from app.domain import authority, decisions, outcomes, permissions, similar
from app.listeners.deps import Deps
from app.listeners.people import is_member
from app.listeners.steps.once import StepFailed, run_once
from app.posting.cards import publish_card
from app.vocabulary import Action

_USER = re.compile(r"^[UW][A-Z0-9]{2,30}$")
_CHANNEL = re.compile(r"^[CGD][A-Z0-9]{2,30}$")


def _actor(inputs: dict, name: str) -> str:
    """The person running the workflow: a `user_context` input, which Slack fills in from the
    run itself (a workflow builder cannot type someone else in)."""
    context = inputs.get(name)
    user_id = context.get("id") if isinstance(context, dict) else None
    if not isinstance(user_id, str) or not _USER.match(user_id):
        raise StepFailed(step_problem("no_actor"))
    return user_id


def _text(inputs: dict, name: str, label: str, *, required: bool = False) -> str | None:
    value = inputs.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise StepFailed(step_problem("empty", label))
        return None
    if not isinstance(value, str):
        raise StepFailed(step_problem("not_text", label))
    return value


def _id(inputs: dict, name: str, label: str, pattern: re.Pattern, *, required: bool) -> str | None:
    value = inputs.get(name)
    if value in (None, ""):
        if required:
            raise StepFailed(step_problem("empty", label))
        return None
    if not isinstance(value, str) or not pattern.match(value):
        raise StepFailed(step_problem("not_an_id", label))
    return value


def _number(inputs: dict, name: str) -> int:
    value = inputs.get(name)
    if isinstance(value, str) and value.strip().lstrip("#").isdigit():
        value = int(value.strip().lstrip("#"))
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise StepFailed(step_problem("number"))
    return value


def _deadline(inputs: dict, now: datetime) -> datetime | None:
    value = inputs.get("deadline")
    if value in (None, "", 0):
        return None
    try:
        moment = datetime.fromtimestamp(float(value), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        raise StepFailed(step_problem("deadline")) from None
    if moment <= now:
        raise StepFailed(step_problem("past_deadline"))
    return moment


def find_who_decides(
    body: dict, context: BoltContext, inputs: dict, deps: Deps, complete: Complete, fail: Fail
) -> None:
    def work() -> dict[str, Any]:
        domain = _text(inputs, "domain", "Decision domain", required=True) or ""
        channel = _id(inputs, "channel", "Channel", _CHANNEL, required=False)
        with deps.sessions() as session:
            found = authority.who_decides(
                session, context["workspace"], domain, channel, deps.clock.now()
            )
        outputs: dict[str, Any] = {
            "source": found.source.value,
            "zone": found.zone.value,
            "note": authority_note(found),
        }
        if found.decider_id:
            outputs["decider"] = found.decider_id
        return outputs

    run_once("Find who decides", body, context, deps, complete, fail, work)


def open_decision(
    body: dict,
    context: BoltContext,
    inputs: dict,
    deps: Deps,
    client: WebClient,
    complete: Complete,
    fail: Fail,
) -> None:
    """Open and post a decision as `/decide Title @decider` does: the opener is the person
    running the workflow and must be in the channel, the decider is vetted, a title like one of
    the team's open or recent decisions stops the step (unless `open_anyway`) with those
    decisions named, and Slack's refusals come back as sentences."""
    team = context["workspace"]
    execution_id = body["event"]["function_execution_id"]

    def work() -> dict[str, Any]:
        opener = _actor(inputs, "opener")
        permissions.check(Action.DECLARE, permissions.Actor(opener))
        now = deps.clock.now()
        declaration = decisions.Declaration(
            title=_text(inputs, "title", "Title", required=True) or "",
            channel_id=_id(inputs, "channel", "Channel", _CHANNEL, required=True) or "",
            decider_id=_id(inputs, "decider", "Decider", _USER, required=False),
            deadline=_deadline(inputs, now),
            context=_text(inputs, "context", "Context"),
        )
        if not is_member(client, declaration.channel_id, opener):
            raise StepFailed(
                step_problem("not_in_channel", user_id=opener, channel_id=declaration.channel_id)
            )
        origin = f"step:{execution_id}"
        with deps.sessions() as session:
            again = decisions.find_by_origin(session, team, origin) is not None
            found = [] if again else similar.find_similar(session, team, declaration.title, now)
        if found and inputs.get("open_anyway") is not True:
            raise StepFailed(similar_problem(found))
        with deps.sessions.begin() as session:
            decision, _ = decisions.open_decision(
                session,
                team_id=team,
                declaration=declaration,
                actor_id=opener,
                origin_key=origin,
                now=now,
            )
            decision_id = decision.id
        posted = publish_card(
            client,
            deps.sessions,
            deps.clock,
            team,
            decision_id,
            vet=True,
            people=deps.people,
            urls=deps.urls,
        )
        if posted is None:
            raise StepFailed(step_problem("card_elsewhere"))
        return {"number": posted.id, "link": posted.permalink or ""}

    run_once("Open a decision", body, context, deps, complete, fail, work)


def record_outcome(
    body: dict, context: BoltContext, inputs: dict, deps: Deps, complete: Complete, fail: Fail
) -> None:
    """Record how a decision turned out; only its decider or opener may (the one table)."""
    execution_id = body["event"]["function_execution_id"]

    def work() -> dict[str, Any]:
        reviewer = _actor(inputs, "reviewer")
        number = _number(inputs, "number")
        outcome = _text(inputs, "outcome", "Outcome", required=True) or ""
        outcome = "_".join(outcome.strip().lower().split())
        if outcome not in outcomes.OUTCOMES:
            raise StepFailed(step_problem("outcome"))
        with deps.sessions.begin() as session:
            decision, _ = outcomes.record_outcome(
                session,
                team_id=context["workspace"],
                decision_id=number,
                actor_id=reviewer,
                outcome=outcome,
                note=_text(inputs, "note", "Note"),
                now=deps.clock.now(),
                idempotency_key=f"step:{execution_id}",
            )
            return {"number": decision.id, "outcome": str(decision.outcome)}

    run_once("Record an outcome", body, context, deps, complete, fail, work)
