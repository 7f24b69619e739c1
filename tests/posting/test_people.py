"""The people cache in front of users.info: TTL on an injected clock, user_change, deactivated
people, and per-team isolation, against stand-ins over real HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from slack_sdk import WebClient

from app.posting.deciders import decider_problem
from app.posting.people import People, Person
from app.standin import SlackStandIn
from tests.e2e.conftest import ALICE, BOB
from tests.posting.conftest import TEAM

OTHER = "T0OTHER"


def _users_info(standin: SlackStandIn) -> int:
    return len(standin.calls("users.info"))


@pytest.fixture
def people(clock) -> People:
    return People(clock, ttl=timedelta(minutes=5))


def test_a_person_is_asked_once_until_the_ttl_passes(people, client, standin, clock):
    first = people.lookup(client, TEAM, BOB)
    assert first == Person(BOB, "bob", "America/New_York", deleted=False, is_bot=False)
    assert people.lookup(client, TEAM, BOB) == first
    assert _users_info(standin) == 1
    standin.add_user(BOB, "robert", tz="Asia/Tokyo")  # changed in Slack, no event sent
    clock.advance(timedelta(minutes=4, seconds=59))
    assert people.lookup(client, TEAM, BOB).name == "bob"  # still fresh: not asked again
    clock.advance(timedelta(seconds=2))
    assert people.lookup(client, TEAM, BOB) == Person(BOB, "robert", "Asia/Tokyo", False, False)
    assert _users_info(standin) == 2


def test_user_change_replaces_the_entry_at_once(people, client, standin):
    assert decider_problem(client, BOB, people=people, team_id=TEAM) is None
    standin.add_user(BOB, "bob", deleted=True)  # deactivated: Slack sends user_change
    people.changed(TEAM, standin.user_object(BOB))
    problem = decider_problem(client, BOB, people=people, team_id=TEAM)
    assert problem is not None and "no longer in this workspace" in problem
    assert _users_info(standin) == 1  # the event, not another users.info, said so


def test_deactivated_bots_and_unknown_people_cannot_decide(people, client, standin):
    assert "no longer" in decider_problem(client, "U0GONE", people=people, team_id=TEAM)
    assert decider_problem(client, "U0HELPER", people=people, team_id=TEAM) is not None
    assert decider_problem(client, "U0NOBODY", people=people, team_id=TEAM) is not None
    standin.add_user("U0NOBODY", "newcomer")  # joins a minute later: not-found is not cached
    assert decider_problem(client, "U0NOBODY", people=people, team_id=TEAM) is None


def test_a_user_id_from_one_team_never_answers_for_another(people, client, standin):
    with SlackStandIn(bot_token="xoxb-other", team_id=OTHER, team_domain="other") as other:
        other_client = WebClient(base_url=other.api_url, token="xoxb-other", retry_handlers=[])
        assert people.lookup(client, TEAM, ALICE).name == "alice"
        assert people.lookup(other_client, OTHER, ALICE) is None  # not in that workspace
        assert len(other.calls("users.info")) == 1  # asked the other team, not the cache
        other.add_user(ALICE, "someone-else", tz="UTC")
        people.changed(OTHER, other.user_object(ALICE))
        assert people.lookup(client, TEAM, ALICE).name == "alice"  # untouched by the event
        assert people.lookup(other_client, OTHER, ALICE).name == "someone-else"
        people.forget(OTHER)  # uninstalled there
        assert people.lookup(client, TEAM, ALICE).name == "alice"


def test_each_team_keeps_at_most_its_share_and_seen_names_reach_the_seam(client, clock):
    seen: list[tuple[str, str, str]] = []
    people = People(
        clock, per_team=2, on_seen=lambda team, u, raw: seen.append((team, u, raw["name"]))
    )
    for user in ("U1", "U2", "U3"):
        people.changed(TEAM, {"id": user, "name": user.lower()})
    assert seen == [(TEAM, "U1", "u1"), (TEAM, "U2", "u2"), (TEAM, "U3", "u3")]
    assert [user for user in ("U1", "U2", "U3") if people._teams[TEAM].get(user)] == ["U2", "U3"]
