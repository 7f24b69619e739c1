"""The anonymous report form's submission, passed on to the steward."""

from __future__ import annotations

from slack_bolt import Ack, App
from slack_sdk import WebClient

from app import ids
from app.blocks.feedback import build_feedback_sent, build_steward_report, steward_text
from app.domain import decisions, steward
from app.domain.errors import InvalidInput, NotAllowed, NotFound
from app.listeners.deps import Deps
from app.listeners.payloads import BadPayload, ViewSubmission


def report(ack: Ack, submission: ViewSubmission, deps: Deps, client: WebClient) -> None:
    """Never reads, passes on or logs who submitted: only the team and the view id."""
    s = submission
    about = s.option_of(ids.FEEDBACK_DECISION)
    if about is not None and not about.isdigit():
        raise BadPayload("decision option is not an id")
    try:
        with deps.sessions.begin() as session:
            row, to, created = steward.report(
                session,
                team_id=s.team_id,
                kind=s.option_of(ids.FEEDBACK_KIND) or "",
                text=s.text_of(ids.FEEDBACK_TEXT),
                decision_id=int(about) if about else None,
                view_id=s.view.id,
                now=deps.clock.now(),
            )
            decision = (
                decisions.get_decision(session, s.team_id, row.decision_id)
                if row.decision_id
                else None
            )
            kind, text = row.kind, row.text
    except (InvalidInput, NotAllowed, NotFound) as exc:
        ack(response_action="errors", errors={ids.FEEDBACK_TEXT: str(exc)[:150]})
        return
    ack(response_action="update", view=build_feedback_sent())
    if created:
        client.chat_postMessage(
            channel=to, text=steward_text(kind), blocks=build_steward_report(kind, text, decision)
        )


def register(app: App, deps: Deps) -> None:
    app.view(ids.FEEDBACK_VIEW)(report)
