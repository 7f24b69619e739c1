"""Declaring with the team's similar decisions shown first (app/domain/similar.py).

`/decide Title @x` that looks like an earlier decision is answered, before anything is stored,
with a private notice (app/blocks/similar.py). What was typed waits in the notice's buttons,
sealed (forms.FormSeal.seal_value) to the person, workspace, channel and button, so a value
copied or forged into another click declares nothing: the middleware-style refusal is a
BadPayload (HTTP 400, nothing stored). The command's own trigger is the decision's origin, so
"Declare anyway" clicked twice declares once. The declaration form shows the same decisions at
its head instead (views/decisions.py).
"""

from __future__ import annotations

import re

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.models.blocks import Block

from app import ids
from app.blocks.messages import build_notice
from app.blocks.similar import build_similar_notice
from app.domain import decisions, similar
from app.domain.similar import SimilarDecision
from app.listeners.acks import acknowledged_if_it_fails
from app.listeners.deps import Deps
from app.listeners.forms import origin_of
from app.listeners.lifecycle_flow import admin_if_needed, supersede_and_post
from app.listeners.payloads import BadPayload, BlockActions, CommandPayload
from app.listeners.people import decider_problem
from app.posting.cards import CardNotPosted, publish_card

_USER = re.compile(r"^[UW][A-Z0-9]{2,30}$")


def similar_to(deps: Deps, team_id: str, title: str) -> list[SimilarDecision]:
    with deps.sessions() as session:
        return similar.find_similar(session, team_id, title, deps.clock.now())


def notice_for_command(
    deps: Deps, command: CommandPayload, title: str, decider_id: str | None, found
) -> list[Block]:
    """The notice, its buttons carrying exactly what was typed, sealed to this person here."""
    origin, now = origin_of(command), deps.clock.now()
    pending = {"title": title, "decider": decider_id, "origin": f"command:{command.trigger_id}"}
    supersede = {
        each.id: deps.forms.seal_value(
            {**pending, "supersedes": each.id}, origin, ids.SIMILAR_SUPERSEDE, now
        )
        for each in found
        if each.is_decided
    }
    declare = deps.forms.seal_value(pending, origin, ids.SIMILAR_DECLARE_ANYWAY, now)
    return build_similar_notice(found, declare_value=declare, supersede_values=supersede)


def _pending(deps: Deps, click: BlockActions, purpose: str) -> tuple[dict, decisions.Declaration]:
    data = deps.forms.unseal_value(click.action.value, click, purpose, deps.clock.now())
    title, decider, origin = data.get("title"), data.get("decider"), data.get("origin")
    if not isinstance(title, str) or not isinstance(origin, str) or not click.channel_id:
        raise BadPayload("sealed declaration is incomplete")
    if decider is not None and not (isinstance(decider, str) and _USER.match(decider)):
        raise BadPayload("sealed declaration names no person")
    declaration = decisions.Declaration(
        title=title, channel_id=click.channel_id, decider_id=decider
    )
    return data, declaration


def declare_anyway(
    ack: Ack, click: BlockActions, deps: Deps, client: WebClient, respond: Respond
) -> None:
    """Declare exactly what was typed, as the command would have without the notice."""
    data, declaration = _pending(deps, click, ids.SIMILAR_DECLARE_ANYWAY)
    with acknowledged_if_it_fails(ack), deps.sessions.begin() as session:
        decision, created = decisions.open_decision(
            session,
            team_id=click.team_id,
            team_domain=click.team_domain,
            declaration=declaration,
            actor_id=click.user.id,
            origin_key=data["origin"],
            now=deps.clock.now(),
        )
        decision_id = decision.id
    ack()
    respond(delete_original=True)
    if created:
        _post(client, deps, click, respond, decision_id)


def supersede_similar(
    ack: Ack, click: BlockActions, deps: Deps, client: WebClient, respond: Respond
) -> None:
    """Declare what was typed as superseding the earlier decision: the lifecycle's own path
    (who may, both cards linked; app.listeners.lifecycle_flow.supersede_and_post)."""
    data, declaration = _pending(deps, click, ids.SIMILAR_SUPERSEDE)
    old_id = data.get("supersedes")
    if not isinstance(old_id, int):
        raise BadPayload("sealed declaration supersedes nothing")
    if declaration.decider_id and (
        problem := decider_problem(
            client, declaration.decider_id, people=deps.people, team_id=click.team_id
        )
    ):
        ack()
        respond(response_type="ephemeral", text=problem, blocks=build_notice(problem))
        return
    admin = admin_if_needed(client, deps, click.team_id, old_id, "supersede", click.user.id)
    with acknowledged_if_it_fails(ack):
        supersede_and_post(
            client,
            deps,
            team_id=click.team_id,
            decision_id=old_id,
            declaration=declaration,
            actor_id=click.user.id,
            origin_key=data["origin"],
            admin=admin,
            team_domain=click.team_domain,
            stored=lambda: (ack(), respond(delete_original=True)),
            response_url=click.response_url,
        )


def _post(client, deps: Deps, click: BlockActions, respond: Respond, decision_id: int) -> None:
    try:
        publish_card(
            client,
            deps.sessions,
            deps.clock,
            click.team_id,
            decision_id,
            vet=True,
            people=deps.people,
            urls=deps.urls,
        )
    except CardNotPosted as exc:
        problem = exc.said_in(click.channel.name if click.channel else None)
        respond(response_type="ephemeral", text=problem, blocks=build_notice(problem))


def open_card(ack: Ack) -> None:
    """[Open #N] is a link; Slack still reports the click, which needs only an answer."""
    ack()


def register(app: App, deps: Deps) -> None:
    app.action(ids.SIMILAR_DECLARE_ANYWAY)(declare_anyway)
    app.action(re.compile(ids.SIMILAR_SUPERSEDE_PATTERN))(supersede_similar)
    app.action(re.compile(ids.SIMILAR_OPEN_PATTERN))(open_card)
