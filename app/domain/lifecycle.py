"""The life of a decision after it is declared: edit, hand on, cancel, reopen, supersede.

Each transition checks the one permission table (app.domain.permissions), changes the row,
keeps what the card shows of it in `last_change`, and writes an event with who, when and why
(the before and after of an edit, the resolution a reopen set aside). A redelivered request is
absorbed by its idempotency key, as every other change to a decision is (app.domain.decisions).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app.db.models import Decision, DecisionEvent, ScheduledPost
from app.domain import deadlines, decisions, ledger, outcomes, permissions, poll_service
from app.domain.errors import AlreadyDone, InvalidInput
from app.domain.text import clean
from app.vocabulary import Action, Approach, Framework, Status, Zone

REASON_MAX = 500
EDITED, HANDED_ON, CANCELLED, REOPENED = "edited", "handed_on", "cancelled", "reopened"
SUPERSEDED, SUPERSEDES = "superseded", "supersedes"


def actor(user_id: str, is_admin: bool = False) -> permissions.Actor:
    return permissions.Actor(user_id, is_admin=is_admin)


def check(action: Action, decision: Decision, user_id: str, is_admin: bool = False) -> None:
    """Refuse, with the table's reason, anyone who may not do `action` to this decision."""
    permissions.check(action, actor(user_id, is_admin), permissions.about(decision))


def may(action: Action, decision: Decision, user_id: str, is_admin: bool = False) -> bool:
    return permissions.may(action, actor(user_id, is_admin), permissions.about(decision))


def reason_of(reason: str | None, *, required: bool, asked: str) -> str | None:
    """A reason as stored: one line, bounded; `asked` is what to say when it is missing."""
    text = " ".join((reason or "").split())
    if not text:
        if required:
            raise InvalidInput({"reason": asked})
        return None
    if len(text) > REASON_MAX:
        raise InvalidInput({"reason": f"Keep the reason to {REASON_MAX} characters."})
    return text


@dataclass(frozen=True)
class Edit:
    """The editable facts of an open decision, as the edit form returns them (all of them: a
    field left empty clears it, except the title, which is required)."""

    title: str
    context: str | None = None
    deadline: datetime | None = None
    framework: Framework | None = None
    approach: Approach | None = None
    zone: Zone = Zone.LOCAL

    @classmethod
    def of(cls, decision: Decision) -> Edit:
        return cls(**{f.name: getattr(decision, f.name) for f in fields(cls)})


def _plain(value) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    return value.value if hasattr(value, "value") else value


def _start(session: Session, team_id: str, decision_id: int, key: str | None):
    """The decision, locked for this transaction (two changes at once take turns, so each sees
    the other's status), and whether this request already made its change (a redelivery)."""
    decision = decisions.get_decision(session, team_id, decision_id, for_update=True)
    return decision, bool(key) and decisions.event_exists(session, team_id, key)


def _swap(session: Session, decision: Decision, column, expected, new) -> bool:
    """Compare-and-set one column of the decision's row: whoever changes it first wins, on
    PostgreSQL and on SQLite alike (SQLite ignores the row lock). On success the object in
    hand carries the new value without writing it again."""
    same = column.is_(None) if expected is None else column == expected
    result = session.execute(
        update(Decision)
        .where(Decision.team_id == decision.team_id, Decision.id == decision.id, same)
        .values({column.key: new})
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    set_committed_value(decision, column.key, new)
    return True


def _transition(
    session: Session,
    decision: Decision,
    action: Action,
    actor_id: str,
    is_admin: bool,
    to: Status,
    redelivered: Callable[[], bool],
) -> Status | None:
    """Move the decision to `to` if the rules allow it now; the status it had, or None when
    another delivery of this same request made the move meanwhile. Someone else's change made
    meanwhile is seen: the rules are asked again against it (and say "already cancelled")."""
    for _attempt in range(3):
        check(action, decision, actor_id, is_admin)
        before = decision.status
        if _swap(session, decision, Decision.status, before, to):
            return before
        session.refresh(decision)
        if redelivered():
            return None
    raise AlreadyDone


def _redelivery(session: Session, team_id: str, key: str | None) -> Callable[[], bool]:
    return lambda: bool(key) and decisions.event_exists(session, team_id, key)


def _mark(decision: Decision, kind: str, actor_id: str, now: datetime, reason: str | None, **more):
    decision.last_change = {
        "kind": kind,
        "by": actor_id,
        "at": now.isoformat(),
        "reason": reason,
        **more,
    }


def _log(session, decision, kind, actor_id, now, before: Status, detail, key) -> None:
    decisions.log_event(
        session,
        decision,
        kind,
        actor_id,
        now,
        from_status=before,
        detail=detail,
        idempotency_key=key,
    )


def edit(
    session: Session,
    *,
    team_id: str,
    decision_id: int,
    actor_id: str,
    changes: Edit,
    now: datetime,
    idempotency_key: str,
    is_admin: bool = False,
) -> tuple[Decision, bool]:
    """Correct an open decision. The event keeps each changed field's before and after.
    Returns (decision, changed); nothing changes when nothing differs."""
    decision, done = _start(session, team_id, decision_id, idempotency_key)
    if done:
        return decision, False
    check(Action.EDIT, decision, actor_id, is_admin)
    title = clean(changes.title, single_line=True)
    context = clean(changes.context) or None
    proposed = decisions.Declaration(
        title=title, channel_id=decision.channel_id, context=context, deadline=None
    )
    errors = decisions.declaration_errors(proposed, now)
    moved = changes.deadline is not None and changes.deadline != decision.deadline
    if moved and changes.deadline <= now:  # an overdue deadline left as it was is no error
        errors["deadline"] = "The deadline is in the past; pick a time that is still ahead."
    if decision.status is Status.ESCALATED and changes.zone is not decision.zone:
        errors["zone"] = (
            "It was escalated: only its decider or an admin can bring it back, with "
            "Return to local on the card."
        )
    if errors:
        raise InvalidInput(errors)
    after = Edit(
        title, context, changes.deadline, changes.framework, changes.approach, changes.zone
    )
    before = Edit.of(decision)
    changed = {
        f.name: {"before": _plain(getattr(before, f.name)), "after": _plain(getattr(after, f.name))}
        for f in fields(Edit)
        if getattr(before, f.name) != getattr(after, f.name)
    }
    if not changed:
        return decision, False
    for name in changed:
        setattr(decision, name, getattr(after, name))
    if "deadline" in changed:
        _release(session, decision, deadlines.KIND, now)  # a new deadline, a new nudge
    _mark(decision, EDITED, actor_id, now, None, fields=sorted(changed))
    _log(session, decision, EDITED, actor_id, now, decision.status, changed, idempotency_key)
    return decision, True


def hand_on(
    session: Session,
    *,
    team_id: str,
    decision_id: int,
    actor_id: str,
    new_decider_id: str,
    reason: str | None,
    now: datetime,
    idempotency_key: str,
    is_admin: bool = False,
) -> tuple[Decision, bool]:
    """Defer to someone else: the decider (or the opener while nobody decides, or an admin)
    names a new decider. `deferred_by` becomes the person who yielded. The caller vets that the
    new decider is a person who can hold a decision (users.info) before calling."""
    reason = reason_of(reason, required=False, asked="")
    decision, done = _start(session, team_id, decision_id, idempotency_key)
    if done:
        return decision, False
    again = _redelivery(session, team_id, idempotency_key)
    for _attempt in range(3):
        check(Action.REASSIGN, decision, actor_id, is_admin)
        if new_decider_id == decision.decider_id:
            raise InvalidInput({"decider": "They already decide it; pick someone else."})
        previous = decision.decider_id
        if _swap(session, decision, Decision.decider_id, previous, new_decider_id):
            break
        session.refresh(decision)  # someone named another decider meanwhile: ask again
        if again():
            return decision, False
    else:
        raise AlreadyDone
    decision.deferred_by = actor_id if actor_id != new_decider_id else None
    decision.per_charter = False
    decision.reopened = False  # a consensus objection's "no decider yet" is answered
    decision.objected_by = decision.objection = None
    decision.decider_rule = None  # a person chose, not a tiebreaker
    _mark(decision, HANDED_ON, actor_id, now, reason, to=new_decider_id, previous=previous)
    detail = {"from": previous, "to": new_decider_id, "yielded_by": actor_id, "reason": reason}
    _log(session, decision, HANDED_ON, actor_id, now, decision.status, detail, idempotency_key)
    return decision, True


def cancel(
    session: Session,
    *,
    team_id: str,
    decision_id: int,
    actor_id: str,
    reason: str,
    now: datetime,
    idempotency_key: str,
    is_admin: bool = False,
) -> tuple[Decision, bool]:
    """Withdraw an open decision, with a reason. It stays in the log and the export; the
    stats leave it out (app.domain.metrics)."""
    text = reason_of(reason, required=True, asked="Say why it is withdrawn.")
    decision, done = _start(session, team_id, decision_id, idempotency_key)
    if done:
        return decision, False
    again = _redelivery(session, team_id, idempotency_key)
    before = _transition(
        session, decision, Action.CANCEL, actor_id, is_admin, Status.CANCELLED, again
    )
    if before is None:
        return decision, False
    _mark(decision, CANCELLED, actor_id, now, text)
    _log(session, decision, CANCELLED, actor_id, now, before, {"reason": text}, idempotency_key)
    return decision, True


def reopen(
    session: Session,
    *,
    team_id: str,
    decision_id: int,
    actor_id: str,
    reason: str,
    now: datetime,
    idempotency_key: str,
    is_admin: bool = False,
) -> tuple[Decision, bool]:
    """Open a decided (or cancelled) decision again, with a reason. The resolution, rationale
    and outcome it had move into the event; while it is open no outcome review is due, and
    once decided again its review falls due from the new decision time, even when the first
    resolution's review was already sent."""
    text = reason_of(reason, required=True, asked="Say why it needs deciding again.")
    decision, done = _start(session, team_id, decision_id, idempotency_key)
    if done:
        return decision, False
    again = _redelivery(session, team_id, idempotency_key)
    before = _transition(session, decision, Action.REOPEN, actor_id, is_admin, Status.OPEN, again)
    if before is None:
        return decision, False
    set_aside = {
        "reason": text,
        "resolution": decision.resolution,
        "rationale": decision.rationale,
        "decided_at": _plain(decision.decided_at),
        "outcome": decision.outcome,
        "outcome_note": decision.outcome_note,
    }
    decision.resolution = decision.rationale = None
    decision.decided_at = None
    decision.outcome = decision.outcome_note = None
    decisions.forget_resolution_figures(decision)
    _mark(decision, REOPENED, actor_id, now, text, was=before.value)
    _log(session, decision, REOPENED, actor_id, now, before, set_aside, idempotency_key)
    _release(session, decision, outcomes.KIND, now)
    return decision, True


def _release(session: Session, decision: Decision, kind: str, now: datetime) -> None:
    """A scheduled post already sent (or given up) that belonged to what changed (an outcome
    review of the resolution a reopen set aside, the nudge of a deadline an edit moved) keeps
    its ledger row under another subject, so the new state gets its own. One not sent yet needs
    nothing: both fall due from the decision's own times (app.jobs.reviews)."""
    session.execute(
        update(ScheduledPost)
        .where(
            ScheduledPost.team_id == decision.team_id,
            ScheduledPost.kind == kind,
            ScheduledPost.subject == str(decision.id),
            ScheduledPost.occurrence == ledger.ONCE,
            ScheduledPost.status.in_((ledger.SENT, ledger.SKIPPED)),
        )
        .values(subject=f"{decision.id}~{int(now.timestamp())}")
        .execution_options(synchronize_session=False)
    )


def supersede(
    session: Session,
    *,
    team_id: str,
    decision_id: int,
    declaration: decisions.Declaration,
    actor_id: str,
    origin_key: str,
    now: datetime,
    reason: str | None = None,
    is_admin: bool = False,
    team_domain: str | None = None,
) -> tuple[Decision, Decision, bool]:
    """Declare a new decision that replaces `decision_id`: the old one becomes superseded,
    and each names the other. Returns (new, old, created); a redelivery returns the pair it
    made. Whoever may correct the old decision may replace it (its decider, opener, an admin).
    """
    reason = reason_of(reason, required=False, asked="")
    old = decisions.get_decision(session, team_id, decision_id, for_update=True)

    def again() -> bool:  # this very request, delivered again, already replaced it
        earlier = decisions.find_by_origin(session, team_id, origin_key)
        return earlier is not None and earlier.id == old.superseded_by_id

    before = None
    if not again():
        before = _transition(
            session, old, Action.SUPERSEDE, actor_id, is_admin, Status.SUPERSEDED, again
        )
    if before is None:
        return decisions.find_by_origin(session, team_id, origin_key), old, False
    new, created = decisions.open_decision(
        session,
        team_id=team_id,
        team_domain=team_domain,
        declaration=declaration,
        actor_id=actor_id,
        origin_key=origin_key,
        now=now,
    )
    if not created:  # only when its old decision was already superseded, refused above
        raise AlreadyDone
    old.superseded_by_id = new.id
    new.supersedes_id, new.supersedes_link = old.id, old.permalink
    _mark(old, SUPERSEDED, actor_id, now, reason, by_decision=new.id)
    detail = {"by_decision": new.id, "reason": reason, "title": new.title}
    _log(session, old, SUPERSEDED, actor_id, now, before, detail, f"{origin_key}:old")
    decisions.log_event(
        session,
        new,
        SUPERSEDES,
        actor_id,
        now,
        detail={"decision": old.id, "reason": reason, "title": old.title},
    )
    return new, old, True


def link_successor(session: Session, team_id: str, decision_id: int) -> Decision | None:
    """Once the new card is posted, copy its permalink onto the decision it replaced, so the
    old card links to it. Returns the old decision to redraw, or None."""
    new = decisions.get_decision(session, team_id, decision_id)
    if new.supersedes_id is None:
        return None
    old = decisions.get_decision(session, team_id, new.supersedes_id)
    if new.permalink:
        old.superseded_by_link = new.permalink
    return old


def undo_supersede(session: Session, team_id: str, decision_id: int, *, now: datetime) -> Decision:
    """Slack refused the superseding card, so the new decision was discarded unseen
    (app.posting.cards): the old decision returns to the status it had, and the history says
    the replacement never happened."""
    old = decisions.get_decision(session, team_id, decision_id, for_update=True)
    if old.status is not Status.SUPERSEDED:
        return old
    last = session.scalars(
        select(DecisionEvent)
        .where(
            DecisionEvent.team_id == team_id,
            DecisionEvent.decision_id == decision_id,
            DecisionEvent.kind == SUPERSEDED,
        )
        .order_by(DecisionEvent.id.desc())
        .limit(1)
    ).one()
    gone = old.superseded_by_id
    old.status = last.from_status or Status.DECIDED
    old.superseded_by_id = old.superseded_by_link = None
    old.last_change = None
    detail = {"discarded_decision": gone}
    _log(session, old, "supersede_undone", last.actor_id, now, Status.SUPERSEDED, detail, None)
    return old


def told_of_change(decision: Decision, actor_id: str) -> list[str]:
    """Who hears that someone else changed their decision (never a silent takeover): its
    decider (for a hand-on, the one it was taken from) and its opener, never the person who
    made the change, nor a new decider, who gets their own message."""
    change = decision.last_change or {}
    handed_on = change.get("kind") == HANDED_ON
    decider = change.get("previous") if handed_on else decision.decider_id
    skip = {actor_id, change.get("to") if handed_on else None}
    return [p for p in dict.fromkeys([decider, decision.created_by]) if p and p not in skip]


def homes_changed(decision: Decision) -> list[str]:
    """Whose own Home lists a stored change to this decision altered: its decider's (their open
    decisions, or their decisions awaiting an outcome), and after a hand-on also the one it was
    taken from. Never the person who acted, unless they are one of these."""
    change = decision.last_change or {}
    previous = change.get("previous") if change.get("kind") == HANDED_ON else None
    return [p for p in dict.fromkeys([previous, decision.decider_id]) if p]


def end_polls(session: Session, team_id: str, decision_id: int, now: datetime) -> list[tuple]:
    """A cancelled or superseded decision's running expertise poll stops taking votes: it is
    closed as any poll is (scored, an anonymous poll's voter keys forgotten). Returns the
    (channel, message ts) of each poll message to redraw as closed."""
    decision = decisions.get_decision(session, team_id, decision_id)
    if decision.status not in (Status.CANCELLED, Status.SUPERSEDED):
        return []
    ended = []
    while (poll := poll_service.running_poll(session, team_id, decision_id)) is not None:
        poll, _changed = poll_service.close_poll(session, team_id=team_id, poll_id=poll.id, now=now)
        if poll.message_ts:
            ended.append((poll.channel_id, poll.message_ts))
    return ended
