from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.db.models import Decision, DecisionEvent
from app.domain import decisions
from app.domain.decisions import Declaration
from app.domain.errors import InvalidInput, NotAllowed, NotFound
from app.vocabulary import Framework, Status, Zone

T1, T2 = "T0001", "T0002"


def declare(sessions, clock, *, team=T1, origin="o1", decider="U2", actor="U1", **fields):
    declaration = Declaration(
        title=fields.pop("title", "Pick the billing database"),
        channel_id="C1",
        decider_id=decider,
        **fields,
    )
    with sessions.begin() as session:
        decision, created = decisions.open_decision(
            session,
            team_id=team,
            declaration=declaration,
            actor_id=actor,
            origin_key=origin,
            now=clock.now(),
        )
    return decision, created


def test_open_decision_stores_it_with_an_opened_event(sessions, clock):
    decision, created = declare(sessions, clock, framework=Framework.EXPERTISE)
    assert created
    with sessions() as session:
        stored = decisions.get_decision(session, T1, decision.id)
        assert stored.status is Status.OPEN
        assert stored.decider_id == "U2"
        assert stored.deferred_by == "U1"  # U1 yielded authority to U2
        assert stored.zone is Zone.LOCAL
        assert stored.created_at == clock.now()
        [event] = stored.events
        assert (event.kind, event.actor_id, event.to_status) == ("opened", "U1", Status.OPEN)


def test_declaring_yourself_is_not_deferring(sessions, clock):
    decision, _ = declare(sessions, clock, decider="U1", actor="U1")
    assert decision.deferred_by is None


def test_same_origin_twice_makes_one_decision(sessions, clock):
    first, created_first = declare(sessions, clock, origin="command:trigger-1")
    second, created_second = declare(sessions, clock, origin="command:trigger-1")
    assert (created_first, created_second) == (True, False)
    assert first.id == second.id
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Decision)) == 1
        assert session.scalar(select(func.count()).select_from(DecisionEvent)) == 1


def test_same_origin_in_two_teams_is_two_decisions(sessions, clock):
    a, _ = declare(sessions, clock, team=T1, origin="view:V1")
    b, created = declare(sessions, clock, team=T2, origin="view:V1")
    assert created and a.id != b.id


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
    ],
)
def test_invalid_declarations_are_refused_per_field(sessions, clock, fields, field):
    with pytest.raises(InvalidInput) as refused:
        declare(sessions, clock, **fields)
    assert field in refused.value.errors


def test_deadline_in_the_past_is_refused(sessions, clock):
    errors = decisions.declaration_errors(
        Declaration(title="x", channel_id="C1", deadline=clock.now() - timedelta(minutes=1)),
        clock.now(),
    )
    assert "deadline" in errors
    ok = Declaration(title="x", channel_id="C1", deadline=clock.now() + timedelta(hours=1))
    assert decisions.declaration_errors(ok, clock.now()) == {}


def test_title_is_cleaned_of_control_characters_and_extra_space(sessions, clock):
    decision, _ = declare(sessions, clock, title="  Pick\x00 the\n  db\x07 ")
    assert decision.title == "Pick the db"


def test_title_of_exactly_200_characters_is_accepted(sessions, clock):
    decision, _ = declare(sessions, clock, title="y" * 200)
    assert len(decision.title) == 200


def resolve(sessions, clock, decision_id, *, actor="U2", key="view:V9", team=T1, text="Postgres"):
    with sessions.begin() as session:
        return decisions.record_resolution(
            session,
            team_id=team,
            decision_id=decision_id,
            actor_id=actor,
            resolution=text,
            rationale="We know it well",
            now=clock.now(),
            idempotency_key=key,
        )


def test_decider_records_resolution_and_it_is_logged(sessions, clock):
    decision, _ = declare(sessions, clock)
    clock.advance(timedelta(hours=3))
    decided, changed = resolve(sessions, clock, decision.id)
    assert changed
    assert decided.status is Status.DECIDED
    assert decided.decided_at == clock.now()
    assert (decided.resolution, decided.rationale) == ("Postgres", "We know it well")
    with sessions() as session:
        kinds = [
            (e.kind, e.from_status, e.to_status, e.actor_id)
            for e in decisions.get_decision(session, T1, decision.id).events
        ]
    assert kinds == [
        ("opened", None, Status.OPEN, "U1"),
        ("decided", Status.OPEN, Status.DECIDED, "U2"),
    ]


def test_opener_may_record_too(sessions, clock):
    decision, _ = declare(sessions, clock)
    assert resolve(sessions, clock, decision.id, actor="U1")[1]


def test_someone_else_is_refused_with_who_can(sessions, clock):
    decision, _ = declare(sessions, clock)
    with pytest.raises(NotAllowed) as refused:
        resolve(sessions, clock, decision.id, actor="U3")
    assert "<@U2>" in str(refused.value) and "<@U1>" in str(refused.value)
    with sessions() as session:
        assert decisions.get_decision(session, T1, decision.id).status is Status.OPEN


def test_same_submission_twice_records_once(sessions, clock):
    decision, _ = declare(sessions, clock)
    assert resolve(sessions, clock, decision.id, key="view:V1")[1] is True
    clock.advance(timedelta(seconds=2))
    again, changed = resolve(sessions, clock, decision.id, key="view:V1", text="Changed")
    assert changed is False
    assert again.resolution == "Postgres"
    with sessions() as session:
        assert len(decisions.get_decision(session, T1, decision.id).events) == 2


def test_a_second_resolution_is_refused_as_already_decided(sessions, clock):
    decision, _ = declare(sessions, clock)
    resolve(sessions, clock, decision.id, key="view:V1")
    with pytest.raises(NotAllowed, match="already decided"):
        resolve(sessions, clock, decision.id, key="view:V2", actor="U1")


def test_empty_resolution_is_refused(sessions, clock):
    decision, _ = declare(sessions, clock)
    with pytest.raises(InvalidInput) as refused:
        resolve(sessions, clock, decision.id, text="  ")
    assert "resolution" in refused.value.errors


def test_other_teams_decision_is_not_found(sessions, clock):
    decision, _ = declare(sessions, clock, team=T1)
    declare(sessions, clock, team=T2, origin="other")
    with pytest.raises(NotFound):
        resolve(sessions, clock, decision.id, team=T2, actor="U1")
    with sessions() as session, pytest.raises(NotFound):
        decisions.get_decision(session, T2, decision.id)


def test_search_log_matches_every_word_newest_first_within_team(sessions, clock):
    declare(sessions, clock, origin="a", title="Pick the billing database")
    clock.advance(timedelta(minutes=1))
    declare(sessions, clock, origin="b", title="Billing provider for EU")
    clock.advance(timedelta(minutes=1))
    declare(sessions, clock, origin="c", title="Hiring plan")
    declare(sessions, clock, team=T2, origin="d", title="Billing secrets of team two")
    with sessions() as session:
        found, total = decisions.search_log(session, T1, "billing")
        assert [d.title for d in found] == ["Billing provider for EU", "Pick the billing database"]
        assert total == 2
        found, _ = decisions.search_log(session, T1, "BILLING database")
        assert [d.title for d in found] == ["Pick the billing database"]
        found, total = decisions.search_log(session, T1, "", limit=2)
        assert (len(found), total) == (2, 3)
        assert decisions.search_log(session, T1, "100%")[1] == 0  # LIKE wildcards are literal
        assert decisions.search_log(session, T1, "_")[1] == 0


def test_search_finds_words_in_resolution(sessions, clock):
    decision, _ = declare(sessions, clock)
    resolve(sessions, clock, decision.id, text="Use Postgres 16")
    with sessions() as session:
        assert decisions.search_log(session, T1, "postgres")[1] == 1


def test_discard_unposted_only_drops_decisions_without_a_card(sessions, clock):
    a, _ = declare(sessions, clock, origin="a")
    b, _ = declare(sessions, clock, origin="b")
    with sessions.begin() as session:
        decisions.attach_card(session, team_id=T1, decision_id=b.id, card_ts="1.2", permalink=None)
    with sessions.begin() as session:
        assert decisions.discard_unposted(session, T1, a.id) is True
        assert decisions.discard_unposted(session, T1, b.id) is False
    with sessions() as session:
        assert [d.id for d in session.scalars(select(Decision))] == [b.id]
        card = decisions.get_decision(session, T1, b.id)
        assert (card.card_ts, card.thread_ts) == ("1.2", "1.2")
