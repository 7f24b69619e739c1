"""The dashboard's poll figures read the number of ballots each poll stored as it closed
(`expertise_polls.responses`). They must equal the ballots themselves, however the poll closed
(by the clock, by its opener, by cancelling its decision), for anonymous polls whose voter keys
closing replaced, for polls nobody answered (how a ballot and a close interleave: test_polls).

The team, period from T0 (the scope of the figures), opener ALICE:

    poll  channel  closed                          ballots  in the period
    A     C1       by the clock                    3        yes (BOB voted twice: one ballot)
    B     C1       by its opener, before its time  2        yes (a ballot after: refused)
    C     C2       by the clock, anonymous         2        yes
    D     C1       by the clock, nobody answered   0        yes
    E     C1       open                            1        no (not closed)
    F     C1       by the clock, before T0         1        no (all time: yes)
    G     C1       its decision cancelled          1        yes (then reopened: still closed)
    -     C1       another team's, by the clock    4        no
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.db.models import ExpertisePoll, PollVote
from app.domain import lifecycle, metrics, poll_service
from app.domain.errors import NotAllowed
from app.vocabulary import PollStatus
from tests.domain import factories
from tests.domain.factories import ALICE, BOB, CAROL, DAN, T1, T2

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
ERIN = "U0ERIN"
PERIOD = metrics.Scope(T1, since=T0)
HOUR = timedelta(hours=1)


def start(session, at, *, channel="C1", team=T1, anonymous=False) -> int:
    decision = factories.open_decision(session, at, team=team, channel=channel, decider=None)
    poll, _ = poll_service.start_poll(
        session,
        team_id=team,
        decision_id=decision.id,
        opened_by=ALICE,
        options=poll_service.PollOptions(at + HOUR, anonymous=anonymous),
        origin_key=f"poll-{decision.id}",
        now=at,
    )
    return poll.id


def vote(session, poll_id, voter, at, *, team=T1, rating=None, nominee=None) -> int:
    return poll_service.cast_vote(
        session, team_id=team, poll_id=poll_id, user_id=voter, now=at, rating=rating,
        nominee=nominee,
    )  # fmt: skip


def close(session, poll_id, at, *, team=T1, by=None) -> None:
    poll, changed = poll_service.close_poll(
        session, team_id=team, poll_id=poll_id, now=at, actor_id=by
    )
    assert changed and poll.status is PollStatus.CLOSED


@pytest.fixture
def seeded(sessions):
    with sessions.begin() as session:
        at = T0 - timedelta(days=10)
        f = start(session, at)
        vote(session, f, BOB, at, rating=3)
        close(session, f, at + HOUR)

        at = T0 + HOUR
        a = start(session, at)
        vote(session, a, BOB, at, rating=2)
        vote(session, a, CAROL, at, nominee=BOB)
        vote(session, a, DAN, at, rating=4)
        assert vote(session, a, BOB, at, rating=5) == 3  # changed his mind: the same ballot
        close(session, a, at + HOUR)

        b = start(session, at)
        vote(session, b, BOB, at, rating=4)
        vote(session, b, CAROL, at, nominee=DAN)
        close(session, b, at + timedelta(minutes=10), by=ALICE)

        c = start(session, at, channel="C2", anonymous=True)
        vote(session, c, BOB, at, rating=5, nominee=CAROL)
        vote(session, c, CAROL, at, rating=4)
        close(session, c, at + HOUR)

        d = start(session, at)
        close(session, d, at + HOUR)

        e = start(session, at)
        vote(session, e, BOB, at, rating=1)

        g = start(session, at)
        vote(session, g, DAN, at, rating=3)

        other = start(session, at, team=T2)
        for voter in (ALICE, BOB, CAROL, DAN):
            vote(session, other, voter, at, team=T2, rating=3)
        close(session, other, at + HOUR, team=T2)
    with sessions.begin() as session:
        poll = poll_service.get_poll(session, T1, g)
        cancel_and_reopen(session, poll.decision_id, at + timedelta(minutes=20))
    return sessions


def cancel_and_reopen(session, decision_id: int, at: datetime) -> None:
    """The decision goes away with its poll running (the poll is closed with it), and comes
    back: the poll stays closed, with the ballots it had."""
    lifecycle.cancel(
        session, team_id=T1, decision_id=decision_id, actor_id=ALICE, reason="duplicate",
        now=at, idempotency_key=f"cancel-{decision_id}",
    )  # fmt: skip
    assert lifecycle.end_polls(session, T1, decision_id, at) == []  # never posted: no message
    lifecycle.reopen(
        session, team_id=T1, decision_id=decision_id, actor_id=ALICE, reason="not a duplicate",
        now=at, idempotency_key=f"reopen-{decision_id}",
    )  # fmt: skip


def ballots_counted(session, scope: metrics.Scope) -> tuple[int, int]:
    """The figures as the dashboard defined them before the count was stored: closed polls in
    scope by when they closed, and every ballot row they have."""
    where = [ExpertisePoll.team_id == scope.team_id, ExpertisePoll.status == PollStatus.CLOSED]
    if scope.channel_id:
        where.append(ExpertisePoll.channel_id == scope.channel_id)
    if scope.since is not None:
        where.append(ExpertisePoll.closed_at >= scope.since)
    polls = session.scalar(select(func.count()).where(*where))
    ballots = session.scalar(
        select(func.count(PollVote.id))
        .join(
            ExpertisePoll,
            (ExpertisePoll.team_id == PollVote.team_id) & (ExpertisePoll.id == PollVote.poll_id),
        )
        .where(*where)
    )
    return polls, ballots


def stored_and_real(session) -> list[tuple[int, int | None, int]]:
    """(poll, stored count, ballot rows) of every closed poll."""
    rows = session.execute(
        select(ExpertisePoll.id, ExpertisePoll.responses, func.count(PollVote.id))
        .outerjoin(
            PollVote,
            (PollVote.team_id == ExpertisePoll.team_id) & (PollVote.poll_id == ExpertisePoll.id),
        )
        .where(ExpertisePoll.status == PollStatus.CLOSED)
        .group_by(ExpertisePoll.id, ExpertisePoll.responses)
    )
    return [tuple(row) for row in rows]


def test_the_poll_figures_match_the_hand_worked_ballots(seeded):
    with seeded() as session:
        board = metrics.dashboard(session, PERIOD)
        # A, B, C, D, G closed in the period: 3 + 2 + 2 + 0 + 1 = 8 ballots over 5 polls.
        assert (board.polls, board.poll_responses) == (5, 8 / 5)
        # In C1: A, B, D, G: 3 + 2 + 0 + 1 = 6 over 4.
        assert metrics.closed_polls(session, metrics.Scope(T1, "C1", since=T0)) == (4, 6)
        # All time: F as well, 9 over 6; the other team's own: 4 over 1.
        assert metrics.closed_polls(session, metrics.Scope(T1)) == (6, 9)
        assert metrics.closed_polls(session, metrics.Scope(T2, since=T0)) == (1, 4)


def test_every_closed_poll_stores_exactly_its_ballots(seeded):
    with seeded() as session:
        found = stored_and_real(session)
        assert len(found) == 7
        assert all(stored == real for _poll, stored, real in found), found
        open_poll = session.scalars(
            select(ExpertisePoll).where(ExpertisePoll.status == PollStatus.OPEN)
        ).one()
        assert open_poll.responses is None  # not known until it closes
        for scope in (PERIOD, metrics.Scope(T1, "C2", since=T0), metrics.Scope(T1)):
            assert metrics.closed_polls(session, scope) == ballots_counted(session, scope)


def test_an_anonymous_poll_keeps_its_ballots_count_once_the_keys_are_noise(seeded):
    with seeded() as session:
        poll = session.scalars(select(ExpertisePoll).where(ExpertisePoll.anonymous)).one()
        keys = set(session.scalars(select(PollVote.voter_key).where(PollVote.poll_id == poll.id)))
        assert poll.salt is None and len(keys) == 2 and not keys & {BOB, CAROL}
        assert poll.responses == 2 == poll_service.outcome_of(poll).responses


def test_a_closed_poll_refuses_ballots_and_its_count_stays(seeded):
    with seeded.begin() as session:
        closed = session.scalars(
            select(ExpertisePoll.id).where(
                ExpertisePoll.status == PollStatus.CLOSED, ExpertisePoll.team_id == T1
            )
        ).all()
    for poll_id in closed:  # B was closed early by its opener: still before its closing time
        with seeded.begin() as session, pytest.raises(NotAllowed):
            vote(session, poll_id, ERIN, T0 + timedelta(minutes=61), rating=5)
    with seeded() as session:
        assert all(stored == real for _poll, stored, real in stored_and_real(session))
        assert metrics.closed_polls(session, PERIOD) == (5, 8)
