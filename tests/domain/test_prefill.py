"""app.domain.prefill: what the charter, the channel's rotation and the situational questions
fill in on a declaration; what the person chose always stands, except the zone's floor."""

from __future__ import annotations

import dataclasses

import pytest

from app.domain import charter, prefill, values
from app.domain.charter import DomainSpec
from app.domain.decisions import Declaration
from app.domain.errors import NotFound
from app.domain.prefill import Answers
from app.vocabulary import Approach, Framework, Zone
from tests.domain.factories import ALICE, BOB, CAROL, DAN, T1, T2, charter_with, rotation

BARE = Declaration(title="Pick the billing database", channel_id="C1")


def complete(sessions, clock, declaration=BARE, team=T1, **answers):
    with sessions.begin() as session:
        return prefill.complete(session, team, declaration, Answers(**answers), clock.now())


def test_nothing_asked_and_nothing_chosen_changes_nothing(sessions, clock):
    completed, suggestion = complete(sessions, clock)
    assert suggestion is None
    assert completed == BARE


def test_the_situational_answers_fill_only_what_was_left_empty(sessions, clock):
    completed, suggestion = complete(sessions, clock, high_stakes=True)
    assert (completed.framework, completed.approach) == (Framework.EXPERTISE, Approach.STRATEGIC)
    assert suggestion.zone is Zone.PRINCIPLE
    chosen = dataclasses.replace(BARE, framework=Framework.SITUATIONAL)
    completed, _ = complete(sessions, clock, chosen, high_stakes=True)
    assert (completed.framework, completed.approach) == (Framework.SITUATIONAL, Approach.STRATEGIC)
    assert completed.zone is Zone.LOCAL  # a suggestion's zone is advice, not a floor


def test_a_domain_names_its_authority_unless_someone_was_chosen(sessions, clock):
    with sessions.begin() as session:
        charter_with(session, clock.now(), DomainSpec("billing", authority_id=DAN))
    completed, _ = complete(sessions, clock, domain="billing")
    assert (completed.domain, completed.decider_id, completed.per_charter) == (
        "billing",
        DAN,
        True,
    )
    chosen = dataclasses.replace(BARE, decider_id=CAROL)
    completed, _ = complete(sessions, clock, chosen, domain="billing")
    assert (completed.decider_id, completed.per_charter) == (CAROL, False)


@pytest.mark.parametrize(
    ("declared", "floor", "expected", "per_charter"),
    [
        (Zone.LOCAL, Zone.CENTRE, Zone.CENTRE, True),
        (Zone.PRINCIPLE, Zone.LOCAL, Zone.PRINCIPLE, False),
        (Zone.CENTRE, Zone.PRINCIPLE, Zone.CENTRE, False),
    ],
)
def test_a_domains_zone_is_a_floor(sessions, clock, declared, floor, expected, per_charter):
    with sessions.begin() as session:
        charter_with(session, clock.now(), DomainSpec("design", zone=floor))
    chosen = dataclasses.replace(BARE, zone=declared, decider_id=CAROL)
    completed, _ = complete(sessions, clock, chosen, domain="design")
    assert (completed.zone, completed.per_charter) == (expected, per_charter)


def test_a_domain_held_by_a_rotation_goes_to_its_lead_now(sessions, clock):
    with sessions.begin() as session:
        oncall = rotation(session, clock.now(), [BOB, CAROL], channel="C7")
        charter_with(session, clock.now(), DomainSpec("incidents", rotation_id=oncall.id))
    completed, _ = complete(sessions, clock, domain="incidents")
    assert (completed.decider_id, completed.framework) == (BOB, Framework.ROTATING)


def test_a_rotating_decision_with_no_decider_goes_to_the_channels_lead(sessions, clock):
    with sessions.begin() as session:
        rotation(session, clock.now(), [CAROL, BOB])
    rotating = dataclasses.replace(BARE, framework=Framework.ROTATING)
    assert complete(sessions, clock, rotating)[0].decider_id == CAROL
    elsewhere = dataclasses.replace(rotating, channel_id="C2")
    assert complete(sessions, clock, elsewhere)[0].decider_id is None


def test_a_cited_principle_is_written_out_from_the_teams_values(sessions, clock):
    with sessions.begin() as session:
        base = charter.get_or_create(session, T1, clock.now()).version
        values.save(
            session,
            team_id=T1,
            values=[
                {"name": "Ownership", "principles": ["Whoever is closest decides", "Say why"]},
                {"name": "Candour", "principles": ["Disagree early", "Write it down"]},
                {"name": "Pace", "principles": ["Decide in a day", "Reversible is fine"]},
            ],
            base_version=base,
            actor_id=ALICE,
            now=clock.now(),
        )
    assert complete(sessions, clock, principle_key="2.2")[0].principle == "Candour: Write it down"
    assert complete(sessions, clock, team=T2, principle_key="2.2")[0].principle is None


def test_an_unknown_domain_is_not_found(sessions, clock):
    with pytest.raises(NotFound):
        complete(sessions, clock, domain="billing")
