"""The escalation form's submission: move the decision up a zone; tell the contact, and the
decider, opener and steward, who escalated it and why."""

from __future__ import annotations

from slack_bolt import Ack, App
from slack_sdk import WebClient

from app import ids
from app.blocks.escalation import build_escalation_notice, escalation_text
from app.domain import escalation
from app.domain.errors import InvalidInput, NotAllowed, NotFound
from app.listeners.deps import Deps
from app.listeners.payloads import ViewSubmission
from app.posting.cards import refresh_card
from app.posting.send import tell


def escalate(ack: Ack, submission: ViewSubmission, deps: Deps, client: WebClient) -> None:
    s = submission
    decision_id = s.metadata_int("decision_id", minimum=None)
    reason = s.text_of(ids.REASON)
    try:
        with deps.sessions.begin() as session:
            decision, changed = escalation.escalate(
                session,
                team_id=s.team_id,
                decision_id=decision_id,
                actor_id=s.user.id,
                seen_from=s.opened_in,
                reason=reason,
                now=deps.clock.now(),
                idempotency_key=f"view:{s.view.id}",
            )
            contact = escalation.contact_for(session, decision)
            told = escalation.told_of_escalation(session, decision, s.user.id, deps.clock.now())
    except (InvalidInput, NotAllowed, NotFound) as exc:
        ack(response_action="errors", errors={ids.REASON: str(exc)[:150]})
        return
    ack()
    if changed:
        announce_escalation(client, decision, s.user.id, reason, contact, told)


def announce_escalation(
    client: WebClient, decision, actor_id: str, reason: str, contact: str | None, told: list[str]
) -> None:
    """After an escalation is stored (from the form or `/decide escalate`): redraw the card,
    tell the decider, opener and steward, and the escalation contact, who escalated and why."""
    refresh_card(client, decision)
    reason = " ".join(reason.split())
    for person in told:  # the decider, the opener and the steward hear who escalated, and why
        if person != contact:
            client.chat_postMessage(
                channel=person,
                text=escalation_text(decision, actor_id, reason),
                blocks=build_escalation_notice(decision, actor_id, reason),
            )
    if contact:
        client.chat_postMessage(
            channel=contact,
            text=escalation_text(decision, actor_id, reason),
            blocks=build_escalation_notice(decision, actor_id, reason),
        )
    else:
        tell(
            client,
            user_id=actor_id,
            channel_id=decision.channel_id,
            text="Escalated. The charter names no escalation contact, so nobody was told; "
            "an admin can name one in `/decide charter`.",
        )


def register(app: App, deps: Deps) -> None:
    app.view(ids.ESCALATE_VIEW)(escalate)
