"""Home's lists count the rows they do not show only up to a cap: a team's log can hold a
million decisions, and "more than 1,000 more" is all anyone opening Home needs to read."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert
from sqlalchemy.orm import Session, sessionmaker

from app.db.models import Decision
from app.domain import home, poll_service
from app.domain.clock import ManualClock
from app.domain.home import COUNT_CAP
from tests.domain.factories import ALICE, BOB, CAROL, T1, decide, open_decision


def _copies(session: Session, template: Decision, count: int, start: int = 0) -> None:
    """`count` more rows like `template` in one statement (the domain would take minutes)."""
    values = {c.key: getattr(template, c.key) for c in Decision.__table__.columns if c.key != "id"}
    session.execute(
        insert(Decision),
        [values | {"origin_key": f"copy-{n}", "title": f"Copy {n}"} for n in range(start, count)],
    )


def _lists(sessions: sessionmaker[Session], clock: ManualClock, who: str) -> home.HomeData:
    with sessions() as session:
        return home.home_data(session, T1, who, clock.now(), review_days=0)


def test_the_rest_of_a_list_is_counted_exactly_up_to_the_cap_and_no_further(
    sessions: sessionmaker[Session], clock: ManualClock
) -> None:
    with sessions.begin() as session:
        decided = decide(session, open_decision(session, clock.now(), decider=BOB), clock.now())
        _copies(session, decided, 8 + COUNT_CAP - 1)  # with the template: 8 shown, 1,000 more
    clock.advance(timedelta(days=1))
    data = _lists(sessions, clock, BOB)
    for page in (data.recent, data.outcomes):
        assert len(page.items) == 8
        assert (page.more, page.capped) == (COUNT_CAP, False)
    with sessions.begin() as session:
        _copies(session, decided, 8 + COUNT_CAP + 5, start=8 + COUNT_CAP - 1)  # 1,005 more
    data = _lists(sessions, clock, BOB)
    for page in (data.recent, data.outcomes):
        assert len(page.items) == 8
        assert page.capped and page.more == COUNT_CAP + 1  # counted no further than the cap


def test_short_lists_count_exactly(sessions: sessionmaker[Session], clock: ManualClock) -> None:
    with sessions.begin() as session:
        for n in range(11):
            open_decision(session, clock.now(), decider=BOB, title=f"Decision {n}")
        for n in range(3):
            open_decision(session, clock.now(), decider=CAROL, title=f"Carol's {n}")
    bob, carol, alice = (_lists(sessions, clock, who) for who in (BOB, CAROL, ALICE))
    assert (len(bob.recent.items), bob.recent.more, bob.recent.capped) == (8, 6, False)
    assert (len(bob.mine.items), bob.mine.more, bob.mine.capped) == (8, 3, False)
    assert (len(carol.mine.items), carol.mine.total, carol.mine.more) == (3, 3, 0)
    assert (alice.mine.items, alice.mine.total, alice.outcomes.total) == ([], 0, 0)


def test_polls_waiting_are_the_open_ones_this_person_has_not_answered_named_or_anonymous(
    sessions: sessionmaker[Session], clock: ManualClock
) -> None:
    """One query answers for every poll (no query per poll), and it must still tell a named
    ballot from an anonymous one: the latter is found only by recomputing the salted key."""
    polls = {}
    with sessions.begin() as session:
        for name, anonymous in (("named", False), ("anonymous", True), ("unanswered", False)):
            decision = open_decision(session, clock.now(), title=name)
            poll, _ = poll_service.start_poll(
                session,
                team_id=T1,
                decision_id=decision.id,
                opened_by=ALICE,
                options=poll_service.PollOptions(clock.now() + timedelta(hours=1), anonymous),
                origin_key=f"poll-{name}",
                now=clock.now(),
            )
            polls[name] = poll.id
        for name in ("named", "anonymous"):
            poll_service.cast_vote(
                session, team_id=T1, poll_id=polls[name], user_id=BOB, now=clock.now(), rating=4
            )
        poll_service.cast_vote(
            session, team_id=T1, poll_id=polls["named"], user_id=CAROL, now=clock.now(), rating=2
        )
    waiting = {
        who: [p.id for p, _ in _lists(sessions, clock, who).polls.items]
        for who in (BOB, CAROL, ALICE)
    }
    assert waiting[BOB] == [polls["unanswered"]]
    assert sorted(waiting[CAROL]) == sorted([polls["anonymous"], polls["unanswered"]])
    assert sorted(waiting[ALICE]) == sorted(polls.values())
