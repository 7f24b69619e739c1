"""Whose voice is heard must never say who answered an anonymous poll.

The attack: seed a team, read every figure in every scope a person can ask for (team, channel,
any period, as any viewer) and their words, then change only who cast the anonymous ballots
(someone who answered nothing else, someone who did) and read again. Any difference is a leak:
it would let someone holding the figures tell who voted. Again after the poll closes.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import timedelta

from sqlalchemy import delete, select

from app.blocks.insight import build_insight
from app.db.models import ExpertisePoll, PollVote
from app.domain import insight, metrics, poll_service
from tests.domain.factories import ALICE, BOB, CAROL, DAN, T1
from tests.domain.test_insight import ERIN, T0, seed

FRANK = "U0FRANK"  # in the workspace, answers only the anonymous poll
PEOPLE = (None, ALICE, BOB, CAROL, DAN, ERIN, FRANK)
SCOPES = [
    metrics.Scope(T1),
    metrics.Scope(T1, since=T0 - timedelta(days=1)),
    metrics.Scope(T1, since=T0 + timedelta(days=1)),
    metrics.Scope(T1, "C1"),
    metrics.Scope(T1, "C1", since=T0 + timedelta(hours=12)),
]


def everything(session) -> str:
    """Every figure and every word of it, in every scope, for every viewer."""
    seen = []
    for scope in SCOPES:
        board = metrics.dashboard(session, scope)
        for viewer in PEOPLE:
            found = insight.gather(session, scope, board, viewer=viewer)
            seen.append(asdict(found))
            seen.append([block.to_dict() for block in build_insight(found)])
            if viewer == FRANK:  # their own (empty) forecasts name them to themselves
                assert found.calibration.mine is not None
                assert found.calibration.mine.forecasts == 0
                seen[-2]["calibration"]["mine"] = None
    return json.dumps(seen, sort_keys=True, default=str)


def anonymous_poll(session) -> ExpertisePoll:
    return session.scalars(select(ExpertisePoll).where(ExpertisePoll.anonymous.is_(True))).one()


def recast(session, voters) -> None:
    """The same number of anonymous ballots, cast by other people."""
    found = anonymous_poll(session)
    session.execute(delete(PollVote).where(PollVote.poll_id == found.id))
    for voter in voters:
        poll_service.cast_vote(
            session, team_id=T1, poll_id=found.id, user_id=voter, now=T0 + timedelta(days=1),
            rating=4,
        )  # fmt: skip


def test_nothing_per_person_moves_with_who_cast_an_anonymous_ballot(sessions):
    with sessions.begin() as session:
        seed(session, anonymous_voters=(BOB, CAROL))
    with sessions() as session:
        before = everything(session)
        assert FRANK not in before
    for voters in [(FRANK, ERIN), (DAN, ALICE), (FRANK, BOB)]:
        with sessions.begin() as session:
            recast(session, voters)
        with sessions() as session:
            assert everything(session) == before, f"ballots of {voters} changed a figure"
    with sessions.begin() as session:
        poll_service.close_poll(
            session, team_id=T1, poll_id=anonymous_poll(session).id, now=T0 + timedelta(days=3)
        )
    with sessions() as session:
        after = everything(session)
    assert FRANK not in after
    # Closing changes nothing per person either; the totals still count both ballots.
    assert after == before


def test_anonymous_polls_count_only_in_total(sessions):
    with sessions.begin() as session:
        seed(session, anonymous_voters=(FRANK, BOB, CAROL))
    with sessions() as session:
        found = insight.gather(session, metrics.Scope(T1)).participation
    assert (found.anonymous_polls, found.anonymous_ballots) == (1, 3)
    assert FRANK not in {v.user_id for v in found.voices}
    assert found.asks == 6  # the anonymous poll is not one of anyone's "asked"
