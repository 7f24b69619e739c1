"""What every surface of a decision's life shares (the card's menu and buttons, Home, `/decide`,
and the similar-decision check at declare time): opening the form of a verb for someone the
rules allow, knowing whether Slack counts them an admin, and what follows a stored change
(the card redrawn, the new decider told, the superseding card posted and the two linked).

Why apart: the card's clicks, the forms' submissions and the commands each store a change
before they acknowledge it and call Slack only after; these are the parts they have in common.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from app.blocks.lifecycle import (
    build_change_notice,
    build_handoff_notice,
    build_poll_withdrawn,
    change_notice_text,
    handoff_text,
    poll_withdrawn_text,
)
from app.blocks.lifecycle_forms import (
    build_edit_modal,
    build_handoff_modal,
    build_reason_modal,
    build_supersede_modal,
)
from app.domain import decisions, lifecycle
from app.domain.decisions import Declaration
from app.listeners.deps import Deps
from app.listeners.payloads import BlockActions, CommandPayload
from app.listeners.people import is_admin
from app.posting.cards import CardNotPosted, publish_card, refresh_card
from app.posting.home import republish_homes
from app.posting.send import tell, update_message
from app.vocabulary import Action

log = logging.getLogger(__name__)

ACTIONS = {
    "edit": Action.EDIT,
    "handoff": Action.REASSIGN,
    "cancel": Action.CANCEL,
    "reopen": Action.REOPEN,
    "supersede": Action.SUPERSEDE,
}


def admin_if_needed(
    client: WebClient, deps: Deps, team_id: str, decision_id: int, verb: str, user_id: str
) -> bool:
    """Whether to count this person as an admin: asked of Slack (users.info, before any write
    transaction) only when the rules would refuse them as the decider or opener."""
    with deps.sessions() as session:
        decision = decisions.get_decision(session, team_id, decision_id)
        if lifecycle.may(ACTIONS[verb], decision, user_id):
            return False
    return is_admin(client, user_id)


def open_lifecycle_form(
    client: WebClient,
    deps: Deps,
    request: BlockActions | CommandPayload,
    verb: str,
    decision_id: int,
    *,
    title: str = "",
) -> None:
    """Open the form of `verb` on a decision, for someone the rules let do it; a refusal goes to
    the error handler, which tells them why before they type anything. `title` prefills the
    supersede form (the similar-decision check passes the title being declared)."""
    user_id = request.user_id if isinstance(request, CommandPayload) else request.user.id
    admin = admin_if_needed(client, deps, request.team_id, decision_id, verb, user_id)
    with deps.sessions() as session:
        decision = decisions.get_decision(session, request.team_id, decision_id)
        lifecycle.check(ACTIONS[verb], decision, user_id, admin)
    if verb == "edit":
        view = build_edit_modal(decision)
    elif verb == "handoff":
        view = build_handoff_modal(decision)
    elif verb == "supersede":
        view = build_supersede_modal(decision, title)
    else:
        view = build_reason_modal(verb, decision)
    deps.open_form(client, request, view)


def after_change(
    client: WebClient,
    deps: Deps,
    verb: str,
    decision,
    actor_id: str,
    response_url: str | None = None,
) -> None:
    """After a stored change: redraw the card; a new decider hears who handed it to them, and
    the decider and opener who someone else changed their decision (tell_others); the Home of
    each person whose own lists changed is published again."""
    if not refresh_card(client, decision):
        tell(
            client,
            user_id=actor_id,
            response_url=response_url,
            channel_id=decision.channel_id,
            text="Saved, but I couldn't update the decision's card in the channel.",
        )
    if verb == "handoff" and decision.decider_id and decision.decider_id != actor_id:
        _dm(
            client,
            decision.decider_id,
            handoff_text(decision, actor_id),
            build_handoff_notice(decision, actor_id),
        )
    tell_others(client, verb, decision, actor_id)
    if verb == "cancel":
        end_polls(client, deps, decision)
    republish_homes(client, deps.home_reads, decision.team_id, lifecycle.homes_changed(decision))


def end_polls(client: WebClient, deps: Deps, decision) -> None:
    """A withdrawn decision's running poll is closed, and its message says why."""
    with deps.sessions.begin() as session:
        ended = lifecycle.end_polls(session, decision.team_id, decision.id, deps.clock.now())
    for channel, ts in ended:
        text, blocks = poll_withdrawn_text(decision), build_poll_withdrawn(decision)
        update_message(client, channel, ts, text, blocks, what=f"poll of decision {decision.id}")


def _dm(client: WebClient, person: str, text: str, blocks) -> None:
    """A direct message about a change already stored: if Slack refuses it (the person left,
    their account is off), the change stands and the refusal is logged, not shown as a failure."""
    try:
        client.chat_postMessage(channel=person, text=text, blocks=blocks)
    except SlackApiError as exc:
        log.warning("could not tell %s of a change: %s", person, exc.response.get("error"))


def tell_others(client: WebClient, verb: str, decision, actor_id: str) -> None:
    """The decider and the opener hear, by direct message, when someone else handed on,
    cancelled, reopened or superseded their decision (an edit shows on the card only)."""
    if verb == "edit":
        return
    for person in lifecycle.told_of_change(decision, actor_id):
        text = change_notice_text(verb, decision, actor_id)
        _dm(client, person, text, build_change_notice(verb, decision, actor_id))


def supersede_and_post(
    client: WebClient,
    deps: Deps,
    *,
    team_id: str,
    decision_id: int,
    declaration: Declaration,
    actor_id: str,
    origin_key: str,
    reason: str | None = None,
    admin: bool = False,
    team_domain: str | None = None,
    stored=None,
    response_url: str | None = None,
):
    """Store a decision that replaces `decision_id`, then (after `stored()`, the caller's ack)
    post its card, link the two cards and redraw the old one. Returns the new decision, or None
    for a redelivery. The decider is vetted by the caller (users.info) before this is called.

    The similar-decision check's [Supersede it] reuses this path with the declaration being
    made; the rules (who may, what changes) are app.domain.lifecycle.supersede's."""
    with deps.sessions.begin() as session:
        new, old, created = lifecycle.supersede(
            session,
            team_id=team_id,
            decision_id=decision_id,
            declaration=declaration,
            actor_id=actor_id,
            origin_key=origin_key,
            now=deps.clock.now(),
            reason=reason,
            is_admin=admin,
            team_domain=team_domain,
        )
        new_id, deciders = new.id, [old.decider_id, new.decider_id]
    if stored is not None:
        stored()
    if not created:
        return None
    try:
        posted = publish_card(
            client, deps.sessions, deps.clock, team_id, new_id, people=deps.people, urls=deps.urls
        )
    except CardNotPosted as exc:
        with deps.sessions.begin() as session:  # the new decision is gone: the old one stays
            old = lifecycle.undo_supersede(session, team_id, decision_id, now=deps.clock.now())
        refresh_card(client, old)
        tell(client, user_id=actor_id, text=str(exc), response_url=response_url)
        return None
    # When posted is None, the card sweep holds its claim and posts it; the old card says "#N".
    if posted is not None:
        with deps.sessions.begin() as session:
            old = lifecycle.link_successor(session, team_id, new_id)
        if old is not None:
            refresh_card(client, old)
            tell_others(client, "supersede", old, actor_id)
            end_polls(client, deps, old)
    # The old decision left its decider's lists; the new one joined its decider's.
    republish_homes(client, deps.home_reads, team_id, deciders)
    return posted
