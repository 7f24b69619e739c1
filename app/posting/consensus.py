"""Posting a consensus check in a decision's thread (from the card, or by default).

Why in posting: the card's button and a new decision's default both start a check; the check is
stored first (once per origin) and only the call that created it posts the question.
"""

from __future__ import annotations

from collections.abc import Callable

from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from app.blocks.escalation import build_consensus_check, consensus_question
from app.domain import consensus, decisions


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
        blocks=build_consensus_check(check_id, decider, []),
    )
    with sessions.begin() as session:
        consensus.attach(session, team_id, check_id, str(posted["ts"]))
    return True
