"""The steward, and anonymous reports of misused deference that reach them.

A report row has no author, no time, a random id and nothing derived from a person: its dedupe
key is an HMAC of the modal's view id under the team's "reports" AnonymityKey, which lives for
REPORT_WINDOW and is then destroyed with every hash made with it. This module never receives the
reporter's user id at all, so it cannot store or log it by mistake.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db.models import Charter, FeedbackReport, Rotation
from app.domain import anonymity, rotation_service
from app.domain import charter as charters
from app.domain.errors import InvalidInput, NotAllowed

KINDS = {
    "blame_shifting": "Blame-shifting",
    "claimed_expertise": "Claimed expertise",
    "pressure": "Pressure to defer",
}
TEXT_MAX = 2000
REPORT_WINDOW = timedelta(hours=1)  # Slack redelivers within seconds; an hour is ample
NO_STEWARD = (
    "Nobody is the steward yet, so there is no one to send a report to and nothing was saved. "
    "Ask an admin to name one with `/decide steward @person`."
)


def set_steward(
    session: Session,
    *,
    team_id: str,
    actor_id: str,
    now: datetime,
    user_id: str | None = None,
    rotation: Rotation | None = None,
    every: str | None = None,
) -> Charter:
    charter = charters.get_or_create(session, team_id, now)
    charters.bump(session, charter, charter.version, now, actor_id)
    charter.steward_id = user_id
    charter.steward_rotation_id = rotation.id if rotation else None
    charter.steward_every = every
    charter.steward_since = now.date().isoformat()
    session.flush()
    detail = {"steward": user_id, "rotation": rotation.name if rotation else None, "every": every}
    charters.log_change(session, team_id, "steward_set", actor_id, now, detail)
    return charter


def check_has_steward(session: Session, team_id: str, now: datetime) -> str:
    """The steward now; refuses when nobody is, since a report would then reach no one."""
    steward = current(session, team_id, now)
    if steward is None:
        raise NotAllowed(NO_STEWARD)
    return steward


def current(session: Session, team_id: str, now: datetime) -> str | None:
    """Who is the steward now: the named person, or the steward rotation's current lead."""
    charter = session.scalars(select(Charter).where(Charter.team_id == team_id)).one_or_none()
    if charter is None:
        return None
    if charter.steward_rotation_id is not None:
        rotation = rotation_service.find_by_id(session, team_id, charter.steward_rotation_id)
        return rotation_service.lead_now(session, rotation, now) if rotation else None
    return charter.steward_id


def next_review(since: date) -> date:
    """The first day of the quarter after `since`: when a quarterly steward is reviewed."""
    quarter_month = 3 * ((since.month - 1) // 3) + 4
    return date(since.year + (quarter_month > 12), (quarter_month - 1) % 12 + 1, 1)


def report(
    session: Session,
    *,
    team_id: str,
    kind: str,
    text: str,
    decision_id: int | None,
    view_id: str,
    now: datetime,
) -> tuple[FeedbackReport, str, bool]:
    """Store a report for the steward. Returns (report, steward, created). Refuses before
    storing anything when there is no steward."""
    steward = check_has_steward(session, team_id, now)
    text = text.strip()
    if kind not in KINDS:
        raise InvalidInput({"kind": "Pick what happened."})
    if not text or len(text) > TEXT_MAX:
        raise InvalidInput({"text": f"Describe what happened in 1-{TEXT_MAX} characters."})
    secret = anonymity.open_key(session, team_id, anonymity.REPORTS, now, REPORT_WINDOW).secret
    key = anonymity.keyed(secret, "report", view_id)
    found = _find_by_key(session, team_id, key)
    if found is not None:
        return found, steward, False
    row = FeedbackReport(
        id=anonymity.random_id(),
        team_id=team_id,
        kind=kind,
        text=text,
        decision_id=decision_id,
        dedupe_key=key,
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        found = _find_by_key(session, team_id, key)
        if found is None:
            raise
        return found, steward, False
    return row, steward, True


def _find_by_key(session: Session, team_id: str, key: str) -> FeedbackReport | None:
    return session.scalars(
        select(FeedbackReport).where(
            FeedbackReport.team_id == team_id, FeedbackReport.dedupe_key == key
        )
    ).one_or_none()
