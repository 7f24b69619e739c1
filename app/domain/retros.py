"""Retrospectives: what was decided since the last one, and two anonymous questions.

Answers are stored with no author, no time and a random id. A retro is open for OPEN_FOR after
it was posted; while it is open its answers' dedupe keys are HMACs under the retro's random
AnonymityKey (app.domain.anonymity): of the view id (a double-submitted modal) and, kept apart
with no link to any answer, of the respondent (so that answers are shown only once THRESHOLD
different people have answered; one person submitting three times unlocks nothing). When the
retro closes the key is destroyed and every such hash erased. Answers are shown in a fixed
order (by question, then text), never by time, so that nobody can be singled out.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.db.models import Decision, RetroAnswer, RetroRespondent
from app.domain import anonymity, ledger
from app.domain.errors import InvalidInput, NotAllowed, NotFound
from app.domain.text import clean
from app.vocabulary import Status

KIND = "retro"
ANSWERS_KIND = "retro_answers"
THRESHOLD = 3
ANSWER_MAX = 2000
OPEN_FOR = timedelta(days=6)  # closed before the next weekly retro is posted
CLOSED = "This retrospective has closed; its answers are final."
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
    now: datetime,
) -> int:
    """Store the non-empty answers of one modal; returns how many were new."""
    post = ledger.find_post(session, team_id, post_id)
    if post is None or post.kind != KIND:
        raise NotFound("That retrospective does not exist in this workspace.")
    cleaned = {q: clean(text) for q, text in answers.items() if q in QUESTIONS and clean(text)}
    if not cleaned:
        raise InvalidInput({"overlooked": "Answer at least one of the questions."})
    for question, text in cleaned.items():
        if len(text) > ANSWER_MAX:
            raise InvalidInput({question: f"Keep each answer to {ANSWER_MAX} characters."})
    closes = post.created_at + OPEN_FOR
    if now >= closes:
        raise NotAllowed(CLOSED)
    secret = anonymity.open_key(
        session, team_id, f"{anonymity.RETRO}{post_id}", now, closes - now
    ).secret
    _insert_ignoring_duplicates(
        session,
        RetroRespondent,
        [
            {
                "id": anonymity.random_id(),
                "team_id": team_id,
                "post_id": post_id,
                "respondent_key": anonymity.keyed(secret, "respondent", respondent_id),
            }
        ],
    )
    rows = [
        {
            "id": anonymity.random_id(),
            "team_id": team_id,
            "post_id": post_id,
            "question": question,
            "text": text,
            "dedupe_key": anonymity.keyed(secret, "answer", view_id, question),
        }
        for question, text in cleaned.items()
    ]
    return _insert_ignoring_duplicates(session, RetroAnswer, rows)


def _insert_ignoring_duplicates(session: Session, model, rows: list[dict]) -> int:
    """Insert what is new; a row whose unique key exists (a redelivery, even a concurrent one)
    is skipped by the database without an error. Returns how many rows were inserted."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    added = 0
    for row in rows:
        statement = insert(model).values(**row).on_conflict_do_nothing().returning(model.id)
        added += len(session.execute(statement).all())
    return added


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
