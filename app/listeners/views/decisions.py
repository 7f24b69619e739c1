"""Modal submissions: declaring a decision and recording its resolution."""

from __future__ import annotations

import enum
import re
from typing import TypeVar

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.models.views import View

from app import ids
from app.blocks.forecasts import build_forecast_kept, forecast_kept_text
from app.blocks.modals import DeclarePrefill, build_declare_modal
from app.blocks.similar import build_similar_form_head
from app.blocks.text import escape
from app.domain import decisions, prefill, values
from app.domain.errors import InvalidInput, NotAllowed, NotFound
from app.domain.similar import SimilarDecision
from app.domain.situational import Suggestion
from app.listeners.acks import acknowledged_if_it_fails
from app.listeners.declare_form import declare_extras
from app.listeners.deps import Deps
from app.listeners.forms import Origin
from app.listeners.lifecycle_flow import admin_if_needed, supersede_and_post
from app.listeners.payloads import BadPayload, ViewSubmission
from app.listeners.people import decider_problem
from app.listeners.similar import similar_to
from app.posting.cards import CardNotPosted, publish_card, refresh_card
from app.posting.consensus import post_consensus_check
from app.posting.home import republish_homes
from app.posting.send import tell
from app.vocabulary import Approach, Framework, Tiebreaker, Zone

E = TypeVar("E", bound=enum.Enum)
_CHANNEL_ID = re.compile(r"^[CDG][A-Z0-9]{2,30}$")
_TS = re.compile(r"^\d{1,12}\.\d{1,8}$")
REVERSIBLE = {"yes": True, "no": False}


def _choice(enum_type: type[E], value: str | None) -> E | None:
    if value is None:
        return None
    try:
        return enum_type(value)
    except ValueError as exc:
        raise BadPayload(f"{value!r} is not a {enum_type.__name__}") from exc


def _declaration(submission: ViewSubmission) -> decisions.Declaration:
    metadata = submission.metadata()
    channel = metadata.get("channel")
    thread_ts = metadata.get("thread_ts")
    if not isinstance(channel, str) or not _CHANNEL_ID.match(channel):
        raise BadPayload("private_metadata has no channel")
    if thread_ts is not None and (not isinstance(thread_ts, str) or not _TS.match(thread_ts)):
        raise BadPayload("private_metadata has a malformed thread_ts")
    reversible = submission.option_of(ids.REVERSIBLE)
    if reversible is not None and reversible not in REVERSIBLE:
        raise BadPayload("unknown reversible option")
    return decisions.Declaration(
        title=submission.text_of(ids.TITLE),
        channel_id=channel,
        thread_ts=thread_ts,
        decider_id=submission.user_of(ids.DECIDER),
        framework=_choice(Framework, submission.option_of(ids.FRAMEWORK)),
        approach=_choice(Approach, submission.option_of(ids.APPROACH)),
        zone=_choice(Zone, submission.option_of(ids.ZONE)) or Zone.LOCAL,
        reversible=REVERSIBLE.get(reversible) if reversible else None,
        deadline=submission.datetime_of(ids.DEADLINE),
        tiebreaker=_choice(Tiebreaker, submission.option_of(ids.TIEBREAKER)) or Tiebreaker.OPENER,
        context=submission.text_of(ids.CONTEXT) or None,
    )


def _answers(submission: ViewSubmission) -> prefill.Answers:
    stakes = submission.option_of(ids.STAKES)
    pressure = submission.option_of(ids.TIME_PRESSURE)
    if stakes not in (None, "low", "high") or pressure not in (None, "yes", "no"):
        raise BadPayload("unknown stakes or time pressure option")
    return prefill.Answers(
        domain=submission.option_of(ids.DOMAIN),
        principle_key=submission.option_of(ids.PRINCIPLE),
        high_stakes=None if stakes is None else stakes == "high",
        time_pressure=None if pressure is None else pressure == "yes",
    )


def declare(ack: Ack, submission: ViewSubmission, deps: Deps, client: WebClient) -> None:
    """Refuse inline what the form can show; else open the decision, ack, post its card.

    Stored before ack(): a submission Slack saw accepted is never lost to a crash (the card
    sweep, app.jobs.cards, posts what a crash after the ack left unposted)."""
    declaration = _declaration(submission)
    try:
        with deps.sessions() as session:
            declaration, suggestion = prefill.complete(
                session, submission.team_id, declaration, _answers(submission), deps.clock.now()
            )
    except (NotFound, InvalidInput) as exc:
        ack(response_action="errors", errors={ids.DOMAIN: str(exc)[:150]})
        return
    errors = decisions.declaration_errors(declaration, deps.clock.now())
    if declaration.decider_id and (
        problem := decider_problem(
            client, declaration.decider_id, people=deps.people, team_id=submission.team_id
        )
    ):
        errors["decider"] = problem
    if errors:
        ack(response_action="errors", errors=errors)
        return
    choice = submission.option_of(ids.SIMILAR_CHOICE)
    if choice is None and (found := similar_to(deps, submission.team_id, declaration.title)):
        # Shown first, in the same form (what was typed stays in it): declare anyway, or
        # supersede one; the second submission carries the choice.
        ack(response_action="update", view=_with_similar(submission, deps, declaration, found))
        return
    if (supersedes := _superseded_choice(choice)) is not None:
        team, user = submission.team_id, submission.user.id
        admin = admin_if_needed(client, deps, team, supersedes, "supersede", user)
        with acknowledged_if_it_fails(ack):
            supersede_and_post(
                client,
                deps,
                team_id=team,
                decision_id=supersedes,
                declaration=declaration,
                actor_id=user,
                origin_key=f"view:{submission.view.id}",
                admin=admin,
                team_domain=submission.team_domain,
                stored=ack,
                response_url=deps.trusted_response_url(submission.metadata().get("response_url")),
            )
        return
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
    ack()
    if created:
        _announce(submission, deps, client, declaration, decision.id, suggestion)


def _superseded_choice(choice: str | None) -> int | None:
    """The decision the form's similar-decision choice supersedes, if that was the choice."""
    if choice is None or choice == ids.SIMILAR_AS_NEW:
        return None
    number = choice.removeprefix(ids.SIMILAR_SUPERSEDES)
    if choice == number or not number.isdigit() or len(number) > 12:
        raise BadPayload("unknown similar-decision choice")
    return int(number)


def _with_similar(
    submission: ViewSubmission,
    deps: Deps,
    declaration: decisions.Declaration,
    found: list[SimilarDecision],
) -> View:
    """The same form, headed by the similar decisions and the choice, sealed as before."""
    metadata = submission.metadata()
    form = build_declare_modal(
        DeclarePrefill(
            title=declaration.title,
            context=declaration.context or "",
            decider_id=declaration.decider_id,
        ),
        channel_id=declaration.channel_id,
        thread_ts=declaration.thread_ts,
        response_url=deps.trusted_response_url(metadata.get("response_url")),
        extras=declare_extras(deps, submission.team_id),
        channel_name=_text_field(metadata.get("channel_name")),
    )
    form.blocks = [*build_similar_form_head(found), *form.blocks]
    origin = Origin(submission.team_id, submission.user.id, submission.opened_in)
    return deps.forms.seal(form, origin, deps.clock.now())


def _announce(
    submission: ViewSubmission,
    deps: Deps,
    client: WebClient,
    declaration: decisions.Declaration,
    decision_id: int,
    suggestion: Suggestion | None,
) -> None:
    """Post the new decision's card, its consensus check when wanted, and the suggestion."""
    team, user = submission.team_id, submission.user.id
    response_url = deps.trusted_response_url(submission.metadata().get("response_url"))
    try:
        if (
            publish_card(client, deps.sessions, deps.clock, team, decision_id, urls=deps.urls)
            is None
        ):
            return  # the sweep holds the card's claim and posts it
    except CardNotPosted as exc:
        text = exc.said_in(_text_field(submission.metadata().get("channel_name")))
        tell(client, user_id=user, text=text, response_url=response_url)
        return
    wants_check = declaration.reversible is False or (suggestion and suggestion.consensus)
    if wants_check and declaration.decider_id:
        post_consensus_check(
            client,
            deps.sessions,
            team_id=team,
            decision_id=decision_id,
            actor_id=user,
            origin_key=f"auto:{decision_id}",
            now=deps.clock.now(),
        )
    if suggestion is not None:
        tell(client, user_id=user, text=suggestion.line(), response_url=response_url)


def resolve(ack: Ack, submission: ViewSubmission, deps: Deps, client: WebClient) -> None:
    decision_id = submission.metadata_int("decision_id", minimum=None)
    decider = submission.user_of(ids.DECIDER)
    if decider and (problem := decider_problem(client, decider)):
        ack(response_action="errors", errors={ids.DECIDER: problem})
        return
    try:
        with deps.sessions.begin() as session:
            decision, changed = decisions.record_resolution(
                session,
                team_id=submission.team_id,
                decision_id=decision_id,
                actor_id=submission.user.id,
                resolution=submission.text_of(ids.RESOLUTION),
                rationale=submission.text_of(ids.RATIONALE),
                now=deps.clock.now(),
                idempotency_key=f"view:{submission.view.id}",
                principle=values.cited_principle(
                    session, submission.team_id, submission.option_of(ids.PRINCIPLE)
                ),
                decider_id=decider,
                forecast=decisions.read_forecast(
                    submission.text_of(ids.FORECAST),
                    submission.text_of(ids.FORECAST_CONFIDENCE),
                    "yes" in submission.options_of(ids.FORECAST_SHARE),
                ),
            )
    except InvalidInput as exc:
        ack(response_action="errors", errors=exc.errors)
        return
    except (NotAllowed, NotFound) as exc:
        ack(response_action="errors", errors={ids.RESOLUTION: str(exc)})
        return
    ack()
    if changed and decision.forecast_confidence is not None and not decision.forecast_shared:
        tell(
            client,
            user_id=submission.user.id,
            channel_id=decision.channel_id,
            text=forecast_kept_text(decision),
            blocks=build_forecast_kept(decision),
        )
    if changed and not refresh_card(client, decision):
        tell(
            client,
            user_id=submission.user.id,
            channel_id=decision.channel_id,
            text=f"Recorded the resolution of “{escape(decision.title)}”, but I couldn't "
            "update its card in the channel.",
        )
    if changed:  # it left its decider's open decisions
        republish_homes(client, deps.home_reads, decision.team_id, [decision.decider_id])


def register(app: App, deps: Deps) -> None:
    app.view(ids.DECLARE_VIEW)(declare)
    app.view(ids.RESOLVE_VIEW)(resolve)


def _text_field(value: object) -> str | None:
    """A string the bot put in private_metadata, or None (it comes back from the client)."""
    return value if isinstance(value, str) else None
