"""Expertise polls in the database: start, vote, close, and adopt the result.

Redelivery is absorbed by the database, never by memory: starting is keyed by `origin_key`,
a ballot is an upsert on UNIQUE(team_id, poll_id, voter_key), closing is a compare-and-set from
open to closed (so the scheduled job and the start-up sweep cannot both close a poll), and
adopting the result is keyed by a decision event's idempotency key.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db.dialect import upsert
from app.db.models import Decision, DecisionEvent, ExpertisePoll, PollVote
from app.domain import anonymity, decisions, permissions, rotation_service, steward
from app.domain.errors import InvalidInput, NotAllowed, NotFound
from app.domain.polls import Ballot, Outcome, score_ballots, tiebreaker_rule
from app.vocabulary import Action, Framework, PollStatus

MAX_MIN_RESPONSES = 100
ADOPTED = "poll-decider:"  # idempotency key prefix of the event that adopts a poll's pick


@dataclass(frozen=True)
class PollOptions:
    closes_at: datetime
    anonymous: bool = False
    min_responses: int = 1
    # How many people could answer (the channel's members but the bot); None: not known.
    people_here: int | None = None


def running_poll(
    session: Session, team_id: str, decision_id: int, now: datetime | None = None
) -> ExpertisePoll | None:
    """The decision's open poll, if one is running; with `now`, only one still taking votes
    (a poll past its closing time counts no more ballots, even before the sweep closes it)."""
    query = select(ExpertisePoll).where(
        ExpertisePoll.team_id == team_id,
        ExpertisePoll.decision_id == decision_id,
        ExpertisePoll.status == PollStatus.OPEN,
    )
    if now is not None:
        query = query.where(ExpertisePoll.closes_at > now)
    return session.scalars(query).first()


def settled_by_poll(session: Session, decision: Decision) -> bool:
    """Whether the current decider is the one an earlier poll on this decision chose."""
    last = session.scalars(
        select(DecisionEvent)
        .where(
            DecisionEvent.team_id == decision.team_id,
            DecisionEvent.decision_id == decision.id,
            DecisionEvent.kind == "decider_set",
        )
        .order_by(DecisionEvent.id.desc())
        .limit(1)
    ).first()
    return (
        last is not None
        and (last.idempotency_key or "").startswith(ADOPTED)
        and last.detail.get("decider") == decision.decider_id
    )


def check_can_poll(session: Session, decision: Decision, actor_id: str) -> None:
    """Anyone who sees the card may ask the team who should decide, one poll at a time; once
    a poll chose the decider, only they, the opener or an admin may ask again."""
    running = running_poll(session, decision.team_id, decision.id)
    subject = permissions.about(
        decision, poll_open=running is not None, settled_by_poll=settled_by_poll(session, decision)
    )
    permissions.check(Action.POLL_START, permissions.Actor(actor_id), subject)


def start_poll(
    session: Session,
    *,
    team_id: str,
    decision_id: int,
    opened_by: str,
    options: PollOptions,
    origin_key: str,
    now: datetime,
) -> tuple[ExpertisePoll, bool]:
    """Open a poll on an open decision. Returns (poll, created); False for a redelivery."""
    existing = session.scalars(
        select(ExpertisePoll).where(
            ExpertisePoll.team_id == team_id, ExpertisePoll.origin_key == origin_key
        )
    ).one_or_none()
    if existing is not None:
        return existing, False
    if not 1 <= options.min_responses <= MAX_MIN_RESPONSES:
        raise InvalidInput({"min": f"Ask for between 1 and {MAX_MIN_RESPONSES} responses."})
    if options.people_here is not None and options.min_responses > options.people_here:
        raise InvalidInput(
            {
                "min": f"Only {options.people_here} people can answer in this channel, so "
                f"{options.min_responses} responses would never come in; ask for "
                f"{options.people_here} at most (`--min {options.people_here}`)."
            }
        )
    if options.closes_at <= now:
        raise InvalidInput({"closes": "The closing time has already passed."})
    decision = decisions.get_decision(session, team_id, decision_id)
    check_can_poll(session, decision, opened_by)
    poll = ExpertisePoll(
        team_id=team_id,
        decision_id=decision_id,
        origin_key=origin_key,
        channel_id=decision.channel_id,
        thread_ts=decision.thread_ts or decision.card_ts,
        opened_by=opened_by,
        anonymous=options.anonymous,
        salt=secrets.token_hex(32) if options.anonymous else None,
        min_responses=options.min_responses,
        closes_at=options.closes_at,
        status=PollStatus.OPEN,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(poll)
            session.flush()
    except IntegrityError:
        existing = session.scalars(
            select(ExpertisePoll).where(
                ExpertisePoll.team_id == team_id, ExpertisePoll.origin_key == origin_key
            )
        ).one_or_none()
        if existing is None:
            raise
        return existing, False  # a copy delivered at the same moment started it
    decisions.log_event(
        session, decision, "poll_started", opened_by, now, detail={"poll_id": poll.id}
    )
    return poll, True


def open_with_poll(
    session: Session,
    *,
    team_id: str,
    declaration: decisions.Declaration,
    opened_by: str,
    options: PollOptions,
    origin_key: str,
    now: datetime,
    team_domain: str | None = None,
) -> tuple[int, int] | None:
    """`/decide poll`: a decision with no decider yet and its poll, stored in one transaction
    (before the ack, so a crash never keeps one without the other). (decision id, poll id), or
    None for a redelivered request."""
    decision, created = decisions.open_decision(
        session,
        team_id=team_id,
        team_domain=team_domain,
        declaration=declaration,
        actor_id=opened_by,
        origin_key=origin_key,
        now=now,
    )
    if not created:
        return None
    poll, _ = start_poll(
        session,
        team_id=team_id,
        decision_id=decision.id,
        opened_by=opened_by,
        options=options,
        origin_key=origin_key,
        now=now,
    )
    return decision.id, poll.id


def get_poll(
    session: Session, team_id: str, poll_id: int, *, for_share: bool = False
) -> ExpertisePoll:
    """This team's poll, or NotFound; `for_share` locks its row against closing (PostgreSQL)
    until the transaction ends, and reads it afresh."""
    query = select(ExpertisePoll).where(
        ExpertisePoll.team_id == team_id, ExpertisePoll.id == poll_id
    )
    if for_share:
        query = query.with_for_update(read=True).execution_options(populate_existing=True)
    poll = session.scalars(query).one_or_none()
    if poll is None:
        raise NotFound("That poll does not exist in this workspace.")
    return poll


def attach_message(
    session: Session, team_id: str, poll_id: int, message_ts: str, thread_ts: str | None = None
) -> None:
    """Remember the poll's message; a poll stored before its decision's card learns the
    card's thread here."""
    poll = get_poll(session, team_id, poll_id)
    poll.message_ts = message_ts
    if poll.thread_ts is None:
        poll.thread_ts = thread_ts


def without_message(session: Session, before: datetime) -> list[tuple[str, int, str]]:
    """(team, poll id, opener) of open polls stored before `before` and never posted although
    their decision's card is: what a crash left for the sweep to repair."""
    rows = session.execute(
        select(ExpertisePoll.team_id, ExpertisePoll.id, ExpertisePoll.opened_by)
        .join(
            Decision,
            (Decision.team_id == ExpertisePoll.team_id)
            & (Decision.id == ExpertisePoll.decision_id),
        )
        .where(
            ExpertisePoll.message_ts.is_(None),
            ExpertisePoll.status == PollStatus.OPEN,
            ExpertisePoll.created_at <= before,
            Decision.card_ts.is_not(None),
        )
        .order_by(ExpertisePoll.id)
    )
    return [tuple(row) for row in rows]


def discard_unposted(session: Session, team_id: str, poll_id: int) -> None:
    """Drop a poll Slack refused to show: nobody could have voted on it."""
    poll = get_poll(session, team_id, poll_id)
    if poll.message_ts is None:
        session.delete(poll)


def response_count(session: Session, team_id: str, poll_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(PollVote)
            .where(PollVote.team_id == team_id, PollVote.poll_id == poll_id)
        )
        or 0
    )


def voter_key(poll: ExpertisePoll, user_id: str) -> str:
    """The user id, or in an anonymous poll an HMAC only the (closing-destroyed) salt can make."""
    if not poll.anonymous:
        return user_id
    if poll.salt is None:
        raise NotAllowed("This poll has closed; votes are no longer counted.")
    return hmac.new(bytes.fromhex(poll.salt), f"{poll.id}:{user_id}".encode(), "sha256").hexdigest()


def cast_vote(
    session: Session,
    *,
    team_id: str,
    poll_id: int,
    user_id: str,
    now: datetime,
    rating: int | None = None,
    nominee: str | None = None,
) -> int:
    """Record or replace this person's rating or nomination. Returns the response count.

    A ballot never lands in a closed poll, however a click and a close interleave: closing
    scores the ballots and stores their number (close_poll), so a later one would be counted
    by nobody, and in an anonymous poll would keep a key the close did not replace. On
    PostgreSQL the poll's row is share-locked before anything is written (after, it could
    deadlock with a close replacing the keys), so a close waits for this ballot to commit and
    scores it, or this waits for the close and refuses. SQLite takes no row locks but writes
    one transaction at a time, so the poll is read again once the ballot is written: a close
    that committed first shows there."""
    poll = get_poll(session, team_id, poll_id, for_share=True)
    _check_open(poll, now)
    if rating is not None and rating not in range(1, 6):
        raise InvalidInput({"rating": "Rate your confidence from 1 to 5."})
    if nominee is not None and nominee == user_id:
        raise InvalidInput(
            {"nominee": "Nominate someone else; rate yourself with the 1-5 buttons."}
        )
    # An anonymous ballot's time is the poll's own and its id is random: neither can be lined
    # up with when (or in which order) anyone clicked.
    changes = {"updated_at": poll.created_at if poll.anonymous else now}
    if rating is not None:
        changes["rating"] = rating
    if nominee is not None:
        changes["nominee_id"] = nominee
    row = {"team_id": team_id, "poll_id": poll_id, "voter_key": voter_key(poll, user_id)}
    upsert(session, PollVote, row, changes, inserted_only={"id": anonymity.random_id()})
    _check_open(get_poll(session, team_id, poll_id, for_share=True), now)
    return response_count(session, team_id, poll_id)


def _check_open(poll: ExpertisePoll, now: datetime) -> None:
    if poll.status is not PollStatus.OPEN or now >= poll.closes_at:
        raise NotAllowed("This poll has closed; votes are no longer counted.")


def due_polls(session: Session, now: datetime) -> list[tuple[str, int]]:
    """(team, poll) of every open poll past its closing time, across teams: the scheduler's
    sweep is not acting for any one team; each poll is then closed under its own team."""
    rows = session.execute(
        select(ExpertisePoll.team_id, ExpertisePoll.id)
        .where(ExpertisePoll.status == PollStatus.OPEN, ExpertisePoll.closes_at <= now)
        .order_by(ExpertisePoll.closes_at)
    )
    return [(team, poll_id) for team, poll_id in rows]


def close_poll(
    session: Session, *, team_id: str, poll_id: int, now: datetime, actor_id: str | None = None
) -> tuple[ExpertisePoll, bool]:
    """Close and score a poll. `actor_id` None means the clock closed it. Returns (poll, changed);
    changed is False when something else closed it first."""
    poll = get_poll(session, team_id, poll_id)
    if actor_id is not None:
        actor = permissions.Actor(actor_id, started_poll=actor_id == poll.opened_by)
        subject = permissions.Subject(poll_starter=poll.opened_by)
        permissions.check(Action.POLL_CLOSE, actor, subject)
    closed = session.execute(
        update(ExpertisePoll)
        .where(
            ExpertisePoll.team_id == team_id,
            ExpertisePoll.id == poll_id,
            ExpertisePoll.status == PollStatus.OPEN,
        )
        .values(status=PollStatus.CLOSED, closed_at=now)
        .execution_options(synchronize_session=False)
    )
    session.refresh(poll)
    if closed.rowcount != 1:
        return poll, False
    decision = decisions.get_decision(session, team_id, poll.decision_id)
    # Read after the compare-and-set: a ballot being cast holds the poll's row until it commits
    # (cast_vote), so these are all the ballots the poll will ever have; the dashboard reads
    # their number from the poll (app.domain.metrics).
    ballots = _ballots(session, poll)
    poll.responses = len(ballots)
    outcome = score_ballots(
        ballots,
        _open_load(session, team_id),
        min_responses=poll.min_responses,
        tiebreaker=decision.tiebreaker,
        opener=decision.created_by,
        steward=steward.current(session, team_id, now),
        rotation_lead=rotation_service.channel_lead(session, team_id, decision.channel_id, now),
    )
    poll.result = outcome.to_json()
    if poll.anonymous:
        _forget_voters(session, poll)
    decisions.log_event(
        session,
        decision,
        "poll_closed",
        actor_id or "scheduler",
        now,
        detail={"poll_id": poll.id, "decider": outcome.decider, "reason": outcome.reason},
    )
    return poll, True


def _forget_voters(session: Session, poll: ExpertisePoll) -> None:
    """Destroy the salt and replace every voter key with noise: from now on no ballot can be
    tied to a person, by anyone, whatever else they hold."""
    votes = session.scalars(
        select(PollVote).where(PollVote.team_id == poll.team_id, PollVote.poll_id == poll.id)
    ).all()
    for vote in votes:
        vote.voter_key = secrets.token_hex(32)
    poll.salt = None
    session.flush()


def _ballots(session: Session, poll: ExpertisePoll) -> list[Ballot]:
    votes = session.scalars(
        select(PollVote).where(PollVote.team_id == poll.team_id, PollVote.poll_id == poll.id)
    ).all()
    if not poll.anonymous:
        return [Ballot(v.voter_key, v.rating, v.nominee_id) for v in votes]
    # Anonymous: a self-rating can be attributed only to a nominee, by recomputing their key
    # while the salt still exists; everyone else's ballot counts as an unnamed response.
    keys = {voter_key(poll, v.nominee_id): v.nominee_id for v in votes if v.nominee_id}
    return [Ballot(keys.get(v.voter_key), v.rating, v.nominee_id) for v in votes]


def _open_load(session: Session, team_id: str) -> dict[str, int]:
    rows = session.execute(
        select(Decision.decider_id, func.count())
        .where(
            Decision.team_id == team_id,
            Decision.status.in_(decisions.RESOLVABLE),
            Decision.decider_id.is_not(None),
        )
        .group_by(Decision.decider_id)
    )
    return {decider: count for decider, count in rows}


def outcome_of(poll: ExpertisePoll) -> Outcome | None:
    return Outcome.from_json(poll.result) if poll.result else None


def adopt_result(
    session: Session, *, team_id: str, poll_id: int, actor_id: str, now: datetime
) -> tuple[Decision, ExpertisePoll, bool]:
    """Make the poll's pick the decider: framework expertise when the poll itself settled it,
    else labelled with the tiebreaker rule that chose. Returns (decision, poll, changed)."""
    poll = get_poll(session, team_id, poll_id)
    outcome = outcome_of(poll)
    if poll.status is not PollStatus.CLOSED or outcome is None or outcome.decider is None:
        raise NotAllowed("This poll has no result to act on yet.")
    decision = decisions.get_decision(session, team_id, poll.decision_id)
    key = f"{ADOPTED}{poll.id}"
    if decisions.event_exists(session, team_id, key):
        return decision, poll, False
    # Who started the poll settles it only while nobody decides: a poll started after a decider
    # was named (or settled) cannot be used to take the decision away from them.
    actor = permissions.Actor(actor_id, started_poll=actor_id == poll.opened_by)
    subject = permissions.about(decision, poll_starter=poll.opened_by)
    permissions.check(Action.POLL_ADOPT, actor, subject)
    if outcome.reason == "poll":
        via, rule, framework = {"framework": "expertise"}, None, Framework.EXPERTISE
    else:  # the poll did not settle it: the tiebreaker rule chose, not the room's expertise
        rule = tiebreaker_rule(outcome)
        via, framework = {"via": "tiebreaker", "chose": rule, "reason": outcome.reason}, None
    decisions.set_decider(
        session,
        decision,
        outcome.decider,
        actor_id=actor_id,
        now=now,
        via={**via, "poll_id": poll.id},
        idempotency_key=key,
        framework=framework,
        rule=rule,
    )
    return decision, poll, True
