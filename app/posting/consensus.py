"""Posting a consensus check in a decision's thread (from the card, or by default).

Why in posting: the card's button and a new decision's default both start a check; the check is
stored first (once per origin) and only the call that created it posts the question.
"""

from __future__ import annotations

from collections.abc import Callable

from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from app.blocks.escalation import (
    build_consensus_check,
    consensus_question,
    objection_text,
    objection_withdrawn_text,
)
from app.db.models import Decision
from app.domain import consensus, decisions
from app.posting.cards import refresh_card
from app.posting.send import update_message


def post_consensus_check(
    client: WebClient,
    sessions: sessionmaker[Session],
    *,
    team_id: str,
    decision_id: int,
    actor_id: str,
    origin_key: str,
    now,
    stored: Callable[[], object] | None = None,
) -> bool:
    """Ask the thread once per origin; False when this origin already asked. `stored` is
    called once the check is committed, before Slack is asked anything (a listener's ack)."""
    with sessions.begin() as session:
        check, created = consensus.start(
            session,
            team_id=team_id,
            decision_id=decision_id,
            actor_id=actor_id,
            now=now,
            origin_key=origin_key,
        )
        decision = decisions.get_decision(session, team_id, decision_id)
        check_id, decider = check.id, check.decider_id
        channel, thread = decision.channel_id, decision.thread_ts or decision.card_ts
    if not created:
        return False
    if stored is not None:
        stored()
    posted = client.chat_postMessage(
        channel=channel,
        thread_ts=thread,
        text=consensus_question(decider),
        blocks=build_consensus_check(check_id, decider, [], asked_by=actor_id),
    )
    with sessions.begin() as session:
        consensus.attach(session, team_id, check_id, str(posted["ts"]))
    return True


def redraw_check(
    client: WebClient, sessions: sessionmaker[Session], team_id: str, check_id: int
) -> None:
    """Redraw the check in its thread from what is stored: who asked, who agreed, and the
    objection standing on it, if any."""
    with sessions() as session:
        check = consensus.get(session, team_id, check_id)
        decision = decisions.get_decision(session, team_id, check.decision_id)
        agreed = [v.user_id for v in consensus.votes(session, team_id, check_id) if v.agree]
        objection = consensus.objection_of(session, team_id, check_id)
        channel, ts, decider = decision.channel_id, check.message_ts, check.decider_id
        asked_by = check.asked_by
    if ts is None:
        return
    blocks = build_consensus_check(
        check_id,
        decider,
        agreed,
        objection.user_id if objection else None,
        objection.reason if objection else None,
        asked_by=asked_by,
    )
    update_message(client, channel, ts, consensus_question(decider), blocks)


def announce_objection(
    client: WebClient, decision: Decision, decider_id: str, objector: str, reason: str
) -> None:
    """Redraw the card, and tell the decider the check asked about and the opener (each once,
    and never the objector themselves) who objected and why."""
    refresh_card(client, decision)
    text = objection_text(decision, decider_id, objector, reason)
    for person in dict.fromkeys((decider_id, decision.created_by)):
        if person != objector:
            client.chat_postMessage(channel=person, text=text)


def announce_withdrawal(
    client: WebClient, decision: Decision, decider_id: str, objector: str, restored: bool
) -> None:
    refresh_card(client, decision)
    text = objection_withdrawn_text(decision, objector, decider_id if restored else None)
    for person in dict.fromkeys((decider_id, decision.created_by)):
        if person != objector:
            client.chat_postMessage(channel=person, text=text)
