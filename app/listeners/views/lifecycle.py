"""The forms of a decision's life, submitted: edit, hand on, cancel, reopen, supersede.

Each is stored before it is acknowledged (app.listeners.acks); what the rules refuse is shown on
the form itself. Whether the person is an admin is asked of Slack before the transaction, and
only when they are neither the decider nor the opener (app.listeners.lifecycle_flow)."""

from __future__ import annotations

import enum
from typing import TypeVar

from slack_bolt import Ack, App
from slack_sdk import WebClient

from app import ids
from app.domain import decisions, lifecycle
from app.domain.errors import InvalidInput, NotAllowed, NotFound
from app.listeners.deps import Deps
from app.listeners.lifecycle_flow import admin_if_needed, after_change, supersede_and_post
from app.listeners.payloads import BadPayload, ViewSubmission
from app.listeners.people import decider_problem
from app.vocabulary import Approach, Framework, Zone

E = TypeVar("E", bound=enum.Enum)
REFUSED = (InvalidInput, NotAllowed, NotFound)


def _choice(kind: type[E], value: str | None) -> E | None:
    if value is None:
        return None
    try:
        return kind(value)
    except ValueError as exc:
        raise BadPayload(f"{value!r} is not a {kind.__name__}") from exc


def _shown(exc: Exception, fields: dict[str, str], first: str) -> dict[str, str]:
    """The refusal as Slack shows it on the form: each field's error under its input (the
    domain's field names mapped to the form's blocks), the rest under `first`."""
    if isinstance(exc, InvalidInput):
        return {fields.get(k, first): str(v)[:150] for k, v in exc.errors.items()}
    return {first: str(exc)[:150]}


def _key(s: ViewSubmission) -> str:
    return f"view:{s.view.id}"


def edit(ack: Ack, submission: ViewSubmission, deps: Deps, client: WebClient) -> None:
    s = submission
    decision_id = s.metadata_int("decision_id", minimum=None)
    changes = lifecycle.Edit(
        title=s.text_of(ids.TITLE),
        context=s.text_of(ids.CONTEXT) or None,
        deadline=s.datetime_of(ids.DEADLINE),
        framework=_choice(Framework, s.option_of(ids.FRAMEWORK)),
        approach=_choice(Approach, s.option_of(ids.APPROACH)),
        zone=_choice(Zone, s.option_of(ids.ZONE)) or Zone.LOCAL,
    )
    try:
        admin = admin_if_needed(client, deps, s.team_id, decision_id, "edit", s.user.id)
        with deps.sessions.begin() as session:
            decision, changed = lifecycle.edit(
                session,
                team_id=s.team_id,
                decision_id=decision_id,
                actor_id=s.user.id,
                changes=changes,
                now=deps.clock.now(),
                idempotency_key=_key(s),
                is_admin=admin,
            )
    except REFUSED as exc:
        fields = {f: f for f in (ids.TITLE, ids.CONTEXT, ids.DEADLINE, ids.ZONE)}
        ack(response_action="errors", errors=_shown(exc, fields, ids.TITLE))
        return
    ack()
    if changed:
        after_change(client, deps, "edit", decision, s.user.id)


def handoff(ack: Ack, submission: ViewSubmission, deps: Deps, client: WebClient) -> None:
    s = submission
    decision_id = s.metadata_int("decision_id", minimum=None)
    new_decider = s.user_of(ids.NEW_DECIDER)
    if not new_decider:
        ack(response_action="errors", errors={ids.NEW_DECIDER: "Choose who decides instead."})
        return
    if problem := decider_problem(client, new_decider, people=deps.people, team_id=s.team_id):
        ack(response_action="errors", errors={ids.NEW_DECIDER: problem[:150]})
        return
    try:
        admin = admin_if_needed(client, deps, s.team_id, decision_id, "handoff", s.user.id)
        with deps.sessions.begin() as session:
            decision, changed = lifecycle.hand_on(
                session,
                team_id=s.team_id,
                decision_id=decision_id,
                actor_id=s.user.id,
                new_decider_id=new_decider,
                reason=s.text_of(ids.REASON),
                now=deps.clock.now(),
                idempotency_key=_key(s),
                is_admin=admin,
            )
    except REFUSED as exc:
        fields = {"decider": ids.NEW_DECIDER, "reason": ids.REASON}
        ack(response_action="errors", errors=_shown(exc, fields, ids.NEW_DECIDER))
        return
    ack()
    if changed:
        after_change(client, deps, "handoff", decision, s.user.id)


def _with_reason(verb: str, change):
    def handler(ack: Ack, submission: ViewSubmission, deps: Deps, client: WebClient) -> None:
        s = submission
        decision_id = s.metadata_int("decision_id", minimum=None)
        try:
            admin = admin_if_needed(client, deps, s.team_id, decision_id, verb, s.user.id)
            with deps.sessions.begin() as session:
                decision, changed = change(
                    session,
                    team_id=s.team_id,
                    decision_id=decision_id,
                    actor_id=s.user.id,
                    reason=s.text_of(ids.REASON),
                    now=deps.clock.now(),
                    idempotency_key=_key(s),
                    is_admin=admin,
                )
        except REFUSED as exc:
            ack(response_action="errors", errors=_shown(exc, {}, ids.REASON))
            return
        ack()
        if changed:
            after_change(client, deps, verb, decision, s.user.id)

    handler.__name__ = handler.__qualname__ = verb
    return handler


cancel = _with_reason("cancel", lifecycle.cancel)
reopen = _with_reason("reopen", lifecycle.reopen)


def supersede(ack: Ack, submission: ViewSubmission, deps: Deps, client: WebClient) -> None:
    """Declare the replacing decision in the old one's channel, then post and link the cards."""
    s = submission
    decision_id = s.metadata_int("decision_id", minimum=None)
    decider = s.user_of(ids.DECIDER)
    if decider and (
        problem := decider_problem(client, decider, people=deps.people, team_id=s.team_id)
    ):
        ack(response_action="errors", errors={ids.DECIDER: problem[:150]})
        return
    try:
        admin = admin_if_needed(client, deps, s.team_id, decision_id, "supersede", s.user.id)
        with deps.sessions() as session:
            old = decisions.get_decision(session, s.team_id, decision_id)
        declaration = decisions.Declaration(
            title=s.text_of(ids.TITLE), channel_id=old.channel_id, decider_id=decider, zone=old.zone
        )
        supersede_and_post(
            client,
            deps,
            team_id=s.team_id,
            team_domain=s.team_domain,
            decision_id=decision_id,
            declaration=declaration,
            actor_id=s.user.id,
            origin_key=_key(s),
            reason=s.text_of(ids.REASON),
            admin=admin,
            stored=ack,
        )
    except REFUSED as exc:
        fields = {"title": ids.TITLE, "reason": ids.REASON, "decider": ids.DECIDER}
        ack(response_action="errors", errors=_shown(exc, fields, ids.TITLE))


def register(app: App, deps: Deps) -> None:
    app.view(ids.EDIT_VIEW)(edit)
    app.view(ids.HANDOFF_VIEW)(handoff)
    app.view(ids.CANCEL_VIEW)(cancel)
    app.view(ids.REOPEN_VIEW)(reopen)
    app.view(ids.SUPERSEDE_VIEW)(supersede)
