"""Declaring deciders and recording resolutions: the decision log's rules.

Every change writes a `DecisionEvent` in the same transaction, so the history is never lost.
Redelivered requests are absorbed by unique keys in the database (`origin_key` on decisions,
`idempotency_key` on events) and by compare-and-set status updates, not by in-process memory:
a retry may land on another worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db.models import Decision, DecisionEvent, ExpertisePoll
from app.domain import permissions
from app.domain.errors import AlreadyDone, InvalidInput, NotFound
from app.domain.teams import get_or_create_team
from app.domain.text import clean
from app.vocabulary import Action, Approach, Framework, Status, Tiebreaker, Zone

TITLE_MAX = 200
TEXT_MAX = 3000
RESOLVABLE = (Status.OPEN, Status.ESCALATED)
CONFIDENCE = range(50, 100)  # a forecast's stated confidence, in percent


@dataclass(frozen=True)
class Declaration:
    """What someone asked for when opening a decision; validated before anything is stored."""

    title: str
    channel_id: str
    decider_id: str | None = None
    framework: Framework | None = None
    approach: Approach | None = None
    zone: Zone = Zone.LOCAL
    reversible: bool | None = None
    deadline: datetime | None = None
    context: str | None = None
    thread_ts: str | None = None
    domain: str | None = None
    principle: str | None = None
    per_charter: bool = False
    tiebreaker: Tiebreaker = Tiebreaker.OPENER


@dataclass(frozen=True)
class Forecast:
    """What the person recording a resolution expects, and how sure they are (50-99%).

    Private to them unless `shared`: only then does the card (and the team's figures) show it."""

    confidence: int
    expectation: str | None = None
    shared: bool = False


def forecast_errors(forecast: Forecast | None) -> dict[str, str]:
    if forecast is None:
        return {}
    errors: dict[str, str] = {}
    if forecast.confidence not in CONFIDENCE:
        errors["forecast_confidence"] = "Say how confident you are, from 50% to 99%."
    if forecast.expectation and len(forecast.expectation) > TEXT_MAX:
        errors["forecast"] = f"Keep the forecast to {TEXT_MAX} characters."
    return errors


def read_forecast(expectation: str | None, confidence: str | None, shared: bool) -> Forecast | None:
    """The forecast a form gave: None when left empty; a confidence is what makes it one."""
    expectation, confidence = clean(expectation) or None, (confidence or "").strip()
    if not confidence:
        if expectation:
            raise InvalidInput({"forecast_confidence": "Say how confident you are, 50-99%."})
        return None
    if not confidence.isdigit():
        raise InvalidInput({"forecast_confidence": "A whole number from 50 to 99."})
    return Forecast(int(confidence), expectation, shared)


def declaration_errors(declaration: Declaration, now: datetime) -> dict[str, str]:
    """Field name -> what is wrong with it. Empty when the declaration can be stored."""
    errors: dict[str, str] = {}
    title = clean(declaration.title, single_line=True)
    if not title:
        errors["title"] = "Give the decision a title."
    elif len(title) > TITLE_MAX:
        errors["title"] = f"Keep the title to {TITLE_MAX} characters (it has {len(title)})."
    if declaration.deadline is not None and declaration.deadline <= now:
        errors["deadline"] = "The deadline is in the past; pick a time that is still ahead."
    if declaration.context and len(declaration.context) > TEXT_MAX:
        errors["context"] = f"Keep the context to {TEXT_MAX} characters."
    return errors


def open_decision(
    session: Session,
    *,
    team_id: str,
    declaration: Declaration,
    actor_id: str,
    origin_key: str,
    now: datetime,
    team_domain: str | None = None,
) -> tuple[Decision, bool]:
    """Store a new decision, or return the one this origin already made.

    Returns (decision, created). `created` is False for a redelivered request.
    """
    errors = declaration_errors(declaration, now)
    if errors:
        raise InvalidInput(errors)
    get_or_create_team(session, team_id, now, team_domain)
    existing = _find_by_origin(session, team_id, origin_key)
    if existing is not None:
        return existing, False
    decider = declaration.decider_id
    decision = Decision(
        team_id=team_id,
        origin_key=origin_key,
        title=clean(declaration.title, single_line=True),
        context=clean(declaration.context) or None,
        channel_id=declaration.channel_id,
        thread_ts=declaration.thread_ts,
        status=Status.OPEN,
        decider_id=decider,
        deferred_by=actor_id if decider and decider != actor_id else None,
        framework=declaration.framework,
        approach=declaration.approach,
        zone=declaration.zone,
        reversible=declaration.reversible,
        deadline=declaration.deadline,
        domain=declaration.domain,
        principle=declaration.principle,
        per_charter=declaration.per_charter,
        tiebreaker=declaration.tiebreaker,
        created_by=actor_id,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(decision)
            session.flush()
            _log(session, decision, "opened", actor_id, now, None, Status.OPEN, _summary(decision))
    except IntegrityError:
        # A concurrent delivery of the same request won the race; use its row.
        existing = _find_by_origin(session, team_id, origin_key)
        if existing is None:
            raise
        return existing, False
    return decision, True


def attach_card(
    session: Session, *, team_id: str, decision_id: int, card_ts: str, permalink: str | None
) -> Decision:
    """Remember where the card was posted, so it can be updated in place and linked to."""
    decision = get_decision(session, team_id, decision_id)
    decision.card_ts = card_ts
    decision.permalink = permalink
    if decision.thread_ts is None:
        decision.thread_ts = card_ts
    return decision


def get_decision(
    session: Session, team_id: str, decision_id: int, *, for_update: bool = False
) -> Decision:
    """This team's decision, or NotFound; `for_update` locks its row (PostgreSQL) until the
    transaction ends, for changes that read its status first."""
    query = select(Decision).where(Decision.team_id == team_id, Decision.id == decision_id)
    if for_update:
        query = query.with_for_update()
    decision = session.scalars(query).one_or_none()
    if decision is None:
        raise NotFound("That decision does not exist in this workspace.")
    return decision


def may_record_resolution(decision: Decision, user_id: str) -> bool:
    return permissions.may(
        Action.RECORD_RESOLUTION, permissions.Actor(user_id), permissions.about(decision)
    )


def check_can_record(decision: Decision, user_id: str) -> None:
    """Refuse, politely and with the reason, anyone who may not close this decision."""
    permissions.check(
        Action.RECORD_RESOLUTION, permissions.Actor(user_id), permissions.about(decision)
    )


def record_resolution(
    session: Session,
    *,
    team_id: str,
    decision_id: int,
    actor_id: str,
    resolution: str,
    rationale: str | None,
    now: datetime,
    idempotency_key: str,
    principle: str | None = None,
    decider_id: str | None = None,
    forecast: Forecast | None = None,
) -> tuple[Decision, bool]:
    """Mark a decision decided. Returns (decision, changed); a redelivery changes nothing.

    `principle` is the principle the decider cites for the resolution; it replaces the one
    cited when the decision was declared, and the event keeps both. A resolution always has a
    decider: on a decision with none, `decider_id` says who decided (the person recording when
    not given), so a decided card never reads "no decider yet" and its outcome review has
    someone to ask. `forecast` is the recorder's own, kept out of the event (whose detail
    anyone reading the log may see). Who the charter and the poll named at this moment is kept
    for shadow authority."""
    from app.domain.alignment import named_for  # it reads rotations, which import this module

    resolution = clean(resolution)
    rationale = clean(rationale) or None
    if forecast is not None:
        expectation = clean(forecast.expectation) or None
        forecast = Forecast(forecast.confidence, expectation, forecast.shared)
    errors: dict[str, str] = forecast_errors(forecast)
    if not resolution:
        errors["resolution"] = "Say what was decided."
    elif len(resolution) > TEXT_MAX:
        errors["resolution"] = f"Keep the resolution to {TEXT_MAX} characters."
    if rationale and len(rationale) > TEXT_MAX:
        errors["rationale"] = f"Keep the rationale to {TEXT_MAX} characters."
    if errors:
        raise InvalidInput(errors)

    decision = get_decision(session, team_id, decision_id)
    if _event_exists(session, team_id, idempotency_key):
        return decision, False
    check_can_record(decision, actor_id)
    before, cited_before, named_before = decision.status, decision.principle, decision.decider_id
    who = decision.decider_id or decider_id or actor_id
    # Compare-and-set: of two concurrent submissions only one sees an open decision.
    result = session.execute(
        update(Decision)
        .where(
            Decision.team_id == team_id,
            Decision.id == decision_id,
            Decision.status.in_(RESOLVABLE),
        )
        .values(
            status=Status.DECIDED,
            decided_at=now,
            resolution=resolution,
            rationale=rationale,
            principle=principle or Decision.principle,
            decider_id=func.coalesce(Decision.decider_id, who),
            # Who yielded, only where this resolution is what names the decider.
            deferred_by=case(
                (Decision.decider_id.is_(None), actor_id if who != actor_id else None),
                else_=Decision.deferred_by,
            ),
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.refresh(decision)
        if _event_exists(session, team_id, idempotency_key):
            return decision, False  # the same submission, delivered twice, won elsewhere
        check_can_record(decision, actor_id)  # raises "already decided"
    session.refresh(decision)
    if named_before is None and decision.decider_id == who:
        _log(
            session,
            decision,
            "decider_set",
            actor_id,
            now,
            before,
            before,
            {"decider": decision.decider_id, "via": "resolution"},
        )
    decision.charter_authority_id, decision.poll_expert_id = named_for(session, decision, now)
    decision.forecast_confidence = forecast.confidence if forecast else None
    decision.forecast = forecast.expectation if forecast else None
    decision.forecast_by = actor_id if forecast else None
    decision.forecast_shared = bool(forecast and forecast.shared)
    session.flush()
    _log(
        session,
        decision,
        "decided",
        actor_id,
        now,
        before,
        Status.DECIDED,
        {
            "resolution": resolution,
            "rationale": rationale,
            "principle": decision.principle,
            "declared_principle": cited_before,
        },
        idempotency_key=idempotency_key,
    )
    return decision, True


LOG_COUNT_CAP = 1000


def forget_resolution_figures(decision: Decision) -> None:
    """A reopened decision's forecast and who was named belonged to the resolution set aside:
    the next resolution records its own. The forecast is not kept in the history: it was
    private."""
    decision.charter_authority_id = decision.poll_expert_id = None
    decision.forecast = decision.forecast_confidence = decision.forecast_by = None
    decision.forecast_shared = False


def share_forecast(session: Session, team_id: str, decision_id: int, actor_id: str) -> Decision:
    """Show a forecast on the card and in the team's figures: only its author may."""
    decision = get_decision(session, team_id, decision_id)
    permissions.check(
        Action.SHARE_FORECAST, permissions.Actor(actor_id), permissions.about(decision)
    )
    if not decision.forecast_shared:
        decision.forecast_shared = True
        session.flush()
    return decision


def search_log(
    session: Session, team_id: str, words: str = "", *, limit: int = 20
) -> tuple[list[Decision], int]:
    """Decisions matching every word (title, context, resolution, rationale), newest first.

    Returns (page, total matches up to LOG_COUNT_CAP + 1) so the answer can say how many more
    there are.
    """
    query = _log_query(team_id, words)
    # Counting every match of a common word in a million decisions is the slow part; above the
    # cap the answer says "more than LOG_COUNT_CAP", which is all anyone needs to know.
    counted = query.with_only_columns(Decision.id).limit(LOG_COUNT_CAP + 1).subquery()
    total = session.scalar(select(func.count()).select_from(counted)) or 0
    page = session.scalars(
        query.order_by(Decision.created_at.desc(), Decision.id.desc()).limit(limit)
    ).all()
    return list(page), total


def _log_query(team_id: str, words: str) -> Select[tuple[Decision]]:
    query = select(Decision).where(Decision.team_id == team_id)
    for word in words.split():
        query = query.where(
            Decision.title.icontains(word, autoescape=True)
            | Decision.context.icontains(word, autoescape=True)
            | Decision.resolution.icontains(word, autoescape=True)
            | Decision.rationale.icontains(word, autoescape=True)
        )
    return query


def event_exists(session: Session, team_id: str, idempotency_key: str) -> bool:
    """Whether a change with this key was already made (a redelivered request)."""
    return _event_exists(session, team_id, idempotency_key)


def set_decider(
    session: Session,
    decision: Decision,
    decider_id: str,
    *,
    actor_id: str,
    now: datetime,
    via: dict,
    idempotency_key: str,
    yielded: bool = True,
    framework: Framework | None = None,
    rule: str | None = None,
) -> None:
    """Give a decision its decider, and keep the trace: who yielded authority, and how.

    Every way a decider is chosen (a check-in claim, a poll, a tiebreaker, a rotation handoff)
    goes through here, so deferral and the event log follow one rule: the actor yielded
    authority when they named someone other than themselves (`yielded=False` where a standing
    rule, not a person, made the choice). `rule` is the tiebreaker rule that chose them (the
    card and the stats say so instead of "expertise"); naming a decider settles any objection.
    """
    decision.decider_id = decider_id
    decision.deferred_by = actor_id if yielded and actor_id != decider_id else None
    decision.decider_rule = rule
    decision.objected_by = decision.objection = None
    if framework is not None:
        decision.framework = framework
    session.flush()
    detail = {"decider": decider_id, **via}
    log_event(
        session,
        decision,
        "decider_set",
        actor_id,
        now,
        detail=detail,
        idempotency_key=idempotency_key,
    )


def log_event(session: Session, decision: Decision, kind: str, actor_id: str, now: datetime, **kw):
    """Append to a decision's history; other rules (polls, app.domain.lifecycle) change
    decisions through this too. `from_status` is the status before a change of status."""
    detail = kw.pop("detail", {})
    status = decision.status
    before = kw.pop("from_status", status)
    return _log(session, decision, kind, actor_id, now, before, status, detail, **kw)


def find_by_origin(session: Session, team_id: str, origin_key: str) -> Decision | None:
    """The decision a request (command trigger, form) already made, if it made one."""
    return _find_by_origin(session, team_id, origin_key)


def _find_by_origin(session: Session, team_id: str, origin_key: str) -> Decision | None:
    return session.scalars(
        select(Decision).where(Decision.team_id == team_id, Decision.origin_key == origin_key)
    ).one_or_none()


def _event_exists(session: Session, team_id: str, idempotency_key: str) -> bool:
    return (
        session.scalar(
            select(DecisionEvent.id).where(
                DecisionEvent.team_id == team_id,
                DecisionEvent.idempotency_key == idempotency_key,
            )
        )
        is not None
    )


def _summary(decision: Decision) -> dict:
    return {
        "title": decision.title,
        "decider": decision.decider_id,
        "framework": decision.framework.value if decision.framework else None,
        "zone": decision.zone.value,
    }


def _log(
    session: Session,
    decision: Decision,
    kind: str,
    actor_id: str,
    now: datetime,
    from_status: Status | None,
    to_status: Status | None,
    detail: dict,
    *,
    idempotency_key: str | None = None,
) -> DecisionEvent:
    event = DecisionEvent(
        team_id=decision.team_id,
        decision_id=decision.id,
        kind=kind,
        actor_id=actor_id,
        at=now,
        from_status=from_status,
        to_status=to_status,
        detail=detail,
        idempotency_key=idempotency_key,
    )
    if idempotency_key is None:
        session.add(event)
        session.flush()
        return event
    try:
        with session.begin_nested():
            session.add(event)
            session.flush()
    except IntegrityError:
        # A copy of the same request, delivered at the same moment, logged it first.
        if _event_exists(session, decision.team_id, idempotency_key):
            raise AlreadyDone from None
        raise
    return event


def without_card(session: Session, before: datetime) -> list[tuple[str, int, str, str]]:
    """(team, decision id, opener, channel) of decisions stored before `before` whose card was
    never posted: what a crash between storing and posting left for the sweep to repair.
    Discarded decisions are deleted, so they never show up here."""
    rows = session.execute(
        select(Decision.team_id, Decision.id, Decision.created_by, Decision.channel_id)
        .where(Decision.card_ts.is_(None), Decision.created_at <= before)
        .order_by(Decision.id)
    )
    return [tuple(row) for row in rows]


def discard_unposted(session: Session, team_id: str, decision_id: int) -> bool:
    """Drop a decision whose card Slack refused: nobody ever saw it, so there is nothing to keep.

    A decision with a card is never deleted; that is what the event log is for.
    """
    decision = get_decision(session, team_id, decision_id)
    if decision.card_ts is not None:
        return False
    # A poll stored with the decision (`/decide poll`) was never posted either.
    session.execute(
        ExpertisePoll.__table__.delete().where(
            ExpertisePoll.team_id == team_id,
            ExpertisePoll.decision_id == decision_id,
            ExpertisePoll.message_ts.is_(None),
        )
    )
    session.execute(
        DecisionEvent.__table__.delete().where(
            DecisionEvent.team_id == team_id, DecisionEvent.decision_id == decision_id
        )
    )
    session.delete(decision)
    return True
