"""Modal submissions from scheduled posts: an outcome review's note, anonymous retro answers."""

from __future__ import annotations

from slack_bolt import Ack, App
from slack_sdk import WebClient

from app import ids
from app.blocks.reviews import build_outcome_recorded
from app.blocks.schedules import build_retro_answers, build_retro_answers_sent
from app.domain import calibration, ledger, outcomes, retros
from app.domain.errors import InvalidInput, NotAllowed, NotFound
from app.listeners.deps import Deps
from app.listeners.payloads import BadPayload, ViewSubmission
from app.posting.home import republish_homes
from app.posting.scheduled import Message, Slot, deliver
from app.posting.send import update_message


def outcome(ack: Ack, submission: ViewSubmission, deps: Deps, client: WebClient) -> None:
    """Record how the decision turned out; redraw the review message that asked."""
    metadata = submission.metadata()
    decision_id = submission.metadata_int("decision_id")
    choice = metadata.get("outcome")
    if choice not in outcomes.OUTCOMES:
        raise BadPayload("private_metadata has no outcome")
    team = submission.team_id
    try:
        with deps.sessions.begin() as session:
            decision, changed = outcomes.record_outcome(
                session,
                team_id=team,
                decision_id=decision_id,
                actor_id=submission.user.id,
                outcome=choice,
                note=submission.text_of(ids.OUTCOME_NOTE),
                now=deps.clock.now(),
                idempotency_key=f"view:{submission.view.id}",
            )
            review = ledger.find(session, team, outcomes.KIND, str(decision_id), ledger.ONCE)
    except (InvalidInput, NotAllowed, NotFound) as exc:
        ack(response_action="errors", errors={ids.OUTCOME_NOTE: str(exc)})
        return
    ack()
    if changed and review is not None and review.channel_id and review.message_ts:
        # The review message is in the decider's direct messages: their own forecast only.
        blocks = build_outcome_recorded(
            decision, calibration.forecast_score(decision, reader=decision.decider_id)
        )
        text = f"Outcome recorded: {outcomes.OUTCOMES[choice]}"
        update_message(client, review.channel_id, review.message_ts, text, blocks)
    if changed:  # it left its decider's decisions awaiting an outcome
        republish_homes(client, deps.home_reads, team, [decision.decider_id])


def retro_answers(ack: Ack, submission: ViewSubmission, deps: Deps, client: WebClient) -> None:
    post_id = submission.metadata_int("post_id")
    team = submission.team_id
    answers = {q: submission.text_of(q) for q in retros.QUESTIONS}
    try:
        with deps.sessions.begin() as session:
            retros.add_answers(
                session,
                team_id=team,
                post_id=post_id,
                answers=answers,
                view_id=submission.view.id,
                respondent_id=submission.user.id,
                now=deps.clock.now(),
            )
    except (InvalidInput, NotAllowed) as exc:  # said under every question: either may fix it
        ack(response_action="errors", errors=dict.fromkeys(retros.QUESTIONS, str(exc)[:150]))
        return
    ack(response_action="update", view=build_retro_answers_sent())  # the private confirmation
    show_answers(client, deps, team, post_id)


def show_answers(client: WebClient, deps: Deps, team_id: str, post_id: int) -> None:
    """Post the answers in the retro's thread once THRESHOLD exist; later, redraw that post."""
    with deps.sessions() as session:
        visible = retros.visible_answers(session, team_id, post_id)
        retro = ledger.find_post(session, team_id, post_id)
        shown = ledger.find(session, team_id, retros.ANSWERS_KIND, str(post_id), ledger.ONCE)
    if visible is None or retro is None or not retro.channel_id or not retro.message_ts:
        return
    text = f"Anonymous answers to the retrospective ({len(visible)})"
    if shown is not None and shown.status == ledger.SENT and shown.message_ts:
        update_message(
            client, retro.channel_id, shown.message_ts, text, build_retro_answers(visible)
        )
        return
    channel, thread = retro.channel_id, retro.message_ts

    def render(session, _post_id: int) -> Message:
        latest = retros.visible_answers(session, team_id, post_id) or visible
        return Message(channel, text, build_retro_answers(latest), thread_ts=thread)

    slot = Slot(team_id, retros.ANSWERS_KIND, str(post_id))
    deliver(client, deps.sessions, slot, deps.clock.now(), render)


def register(app: App, deps: Deps) -> None:
    app.view(ids.OUTCOME_VIEW)(outcome)
    app.view(ids.RETRO_VIEW)(retro_answers)
