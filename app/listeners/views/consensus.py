"""The objection form's submission: store the objection with its reason, then redraw the check
and the card and tell the decider and the opener who objected and why."""

from __future__ import annotations

from slack_bolt import Ack, App
from slack_sdk import WebClient

from app import ids
from app.domain import consensus
from app.domain.errors import InvalidInput, NotAllowed, NotFound
from app.listeners.deps import Deps
from app.listeners.payloads import ViewSubmission
from app.posting.consensus import announce_objection, redraw_check


def object_(ack: Ack, submission: ViewSubmission, deps: Deps, client: WebClient) -> None:
    s = submission
    check_id = s.metadata_int("check_id", minimum=None)
    try:
        with deps.sessions.begin() as session:
            check, decision, counted = consensus.answer(
                session,
                team_id=s.team_id,
                check_id=check_id,
                user_id=s.user.id,
                agree=False,
                now=deps.clock.now(),
                reason=s.text_of(ids.REASON),
            )
            reason = decision.objection if decision.objected_by == s.user.id else None
    except (InvalidInput, NotAllowed, NotFound) as exc:
        ack(response_action="errors", errors={ids.REASON: str(exc)[:150]})
        return
    ack()
    if not counted:
        return
    redraw_check(client, deps.sessions, s.team_id, check.id)
    if reason is not None:  # it reopened the decider (not one replaced since the check)
        announce_objection(client, decision, check.decider_id, s.user.id, reason)


def register(app: App, deps: Deps) -> None:
    app.view(ids.CONSENSUS_OBJECT_VIEW)(object_)
