"""Retrospectives: what was decided since the last one, and two anonymous questions.

Answers are stored with no author and no time; a double-submitted modal is recognised by a hash
of the view id. That someone answered is kept apart, as a hash of (team, retro, user) with no
link to any answer, so that answers are shown only once THRESHOLD different people have
answered (one person submitting three times unlocks nothing), and then in a fixed order (by
question, then text), never by time, so that nobody can be singled out.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db.models import Decision, RetroAnswer, RetroRespondent
from app.domain import ledger
from app.domain.errors import InvalidInput, NotFound
from app.domain.text import clean
from app.vocabulary import Status

KIND = "retro"
ANSWERS_KIND = "retro_answers"
THRESHOLD = 3
ANSWER_MAX = 2000
QUESTIONS = {
    "overlooked": "Did anyone feel their expertise was overlooked?",
    "pressured": "Did anyone feel pressured to defer despite knowing better?",
}


def decided_between(
    session: Session, team_id: str, channel_id: str, since: datetime | None, until: datetime
) -> list[Decision]:
    """The channel's decisions decided in [since, until), oldest first."""
    query = select(Decision).where(
        Decision.team_id == team_id,
        Decision.channel_id == channel_id,
        Decision.status == Status.DECIDED,
        Decision.decided_at < until,
    )
    if since is not None:
        query = query.where(Decision.decided_at >= since)
    return list(session.scalars(query.order_by(Decision.decided_at)))


def add_answers(
    session: Session,
    *,
    team_id: str,
    post_id: int,
    answers: dict[str, str],
    view_id: str,
    respondent_id: str,
) -> int:
    """Store the non-empty answers of one modal; returns how many were new."""
    if ledger.find_post(session, team_id, post_id) is None:
        raise NotFound("That retrospective does not exist in this workspace.")
    cleaned = {q: clean(text) for q, text in answers.items() if q in QUESTIONS and clean(text)}
    if not cleaned:
        raise InvalidInput({"overlooked": "Answer at least one of the questions."})
    for question, text in cleaned.items():
        if len(text) > ANSWER_MAX:
            raise InvalidInput({question: f"Keep each answer to {ANSWER_MAX} characters."})
    _count_respondent(session, team_id, post_id, respondent_id)
    added = 0
    for question, text in cleaned.items():
        key = hashlib.sha256(f"{view_id}:{question}".encode()).hexdigest()
        try:
            with session.begin_nested():
                session.add(
                    RetroAnswer(
                        team_id=team_id,
                        post_id=post_id,
                        question=question,
                        text=text,
                        dedupe_key=key,
                    )
                )
                session.flush()
            added += 1
        except IntegrityError:
            continue  # the same submission, delivered twice
    return added


def _count_respondent(session: Session, team_id: str, post_id: int, user_id: str) -> None:
    key = hashlib.sha256(f"{team_id}:{post_id}:{user_id}".encode()).hexdigest()
    try:
        with session.begin_nested():
            session.add(RetroRespondent(team_id=team_id, post_id=post_id, respondent_key=key))
            session.flush()
    except IntegrityError:
        pass  # answered before: still one person


def respondent_count(session: Session, team_id: str, post_id: int) -> int:
    query = select(func.count()).where(
        RetroRespondent.team_id == team_id, RetroRespondent.post_id == post_id
    )
    return session.scalar(query) or 0


def visible_answers(session: Session, team_id: str, post_id: int) -> list[tuple[str, str]] | None:
    """(question, text) pairs once THRESHOLD people have answered; None before that."""
    if respondent_count(session, team_id, post_id) < THRESHOLD:
        return None
    rows = session.execute(
        select(RetroAnswer.question, RetroAnswer.text)
        .where(RetroAnswer.team_id == team_id, RetroAnswer.post_id == post_id)
        .order_by(RetroAnswer.question, RetroAnswer.text)
    )
    return [(q, t) for q, t in rows]


def check_is_retro(session: Session, team_id: str, post_id: int) -> None:
    """Refuse a post id that is not one of this team's retrospectives (a forged button)."""
    post = ledger.find_post(session, team_id, post_id)
    if post is None or post.kind != KIND:
        raise NotFound("That retrospective does not exist in this workspace.")
