"""The escalation form's submission: move the decision up a zone and tell the contact."""

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
                reason=reason,
                now=deps.clock.now(),
                idempotency_key=f"view:{s.view.id}",
            )
            contact = escalation.contact_for(session, decision)
    except (InvalidInput, NotAllowed, NotFound) as exc:
        ack(response_action="errors", errors={ids.REASON: str(exc)[:150]})
        return
    ack()
    if not changed:
        return
    refresh_card(client, decision)
    reason = " ".join(reason.split())
    if contact:
        client.chat_postMessage(
            channel=contact,
            text=escalation_text(decision, s.user.id, reason),
            blocks=build_escalation_notice(decision, s.user.id, reason),
        )
    else:
        tell(
            client,
            user_id=s.user.id,
            channel_id=decision.channel_id,
            text="Escalated. The charter names no escalation contact, so nobody was told; "
            "an admin can name one in `/decide charter`.",
        )


def register(app: App, deps: Deps) -> None:
    app.view(ids.ESCALATE_VIEW)(escalate)
