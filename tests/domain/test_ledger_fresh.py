"""A claim made in the transaction that created its subject (ledger.claim_fresh) is a claim
like any other: held for its lease, then taken over by whoever claims next."""

from __future__ import annotations

from datetime import timedelta

from app.domain import ledger
from tests.domain.factories import T1, open_decision


def test_a_fresh_claim_holds_its_lease_then_can_be_taken_over(sessions, clock):
    where = dict(team_id=T1, kind="card", subject="1", occurrence="o")
    with sessions.begin() as session:
        open_decision(session, clock.now())
        post_id = ledger.claim_fresh(session, now=clock.now(), **where)
    with sessions.begin() as session:
        assert ledger.claim(session, now=clock.now(), lease=timedelta(seconds=30), **where) is None
    clock.advance(timedelta(seconds=31))  # the poster died: its lease ran out
    with sessions.begin() as session:
        assert ledger.claim(session, now=clock.now(), lease=timedelta(seconds=30), **where) == (
            post_id
        )
        assert ledger.attempts(session, post_id) == 2  # the taker reads the channel back
