"""The permission table against PRODUCT.md's "Who may do what", exhaustively: every action, for
a person holding each role alone, in every state of a decision. The expectations below are
written from the product's words, not read from the table."""

from __future__ import annotations

import itertools
import re
from dataclasses import replace
from pathlib import Path

import pytest

from app.domain import permissions
from app.domain.errors import NotAllowed
from app.domain.permissions import Actor, Subject
from app.vocabulary import Action, Status, Zone

ROOT = Path(__file__).resolve().parents[2]
A = Action
RESOLVABLE = {Status.OPEN, Status.ESCALATED}
ANY = set(Status)
EVERYONE = {
    "decider",
    "opener",
    "admin",
    "steward",
    "editor",
    "poll starter",
    "viewer",
    "member",
    "objector",
    "setter",
}
EVERYONE |= {"forecaster"}
CORRECTORS = {"decider", "opener", "admin"}
TENDERS = {"admin", "steward", "editor"}

# action -> (who may, in which statuses)
SPEC: dict[Action, tuple[set[str], set[Status]]] = {
    A.DECLARE: (EVERYONE, ANY),
    A.RECORD_RESOLUTION: ({"decider", "opener"}, RESOLVABLE),
    A.RECORD_OUTCOME: ({"decider", "opener"}, {Status.DECIDED}),
    A.ESCALATE: ({"viewer"}, RESOLVABLE),
    A.DEESCALATE: ({"decider", "admin"}, {Status.ESCALATED}),
    A.CONSENSUS_CHECK: ({"viewer"}, RESOLVABLE),
    A.OBJECT: ({"viewer"}, RESOLVABLE),
    A.WITHDRAW_OBJECTION: ({"objector"}, ANY),
    A.POLL_START: (CORRECTORS, RESOLVABLE),  # + viewer unless a poll chose the decider
    A.POLL_CLOSE: ({"poll starter"}, ANY),
    A.POLL_ADOPT: ({"decider", "opener"}, RESOLVABLE),  # + poll starter while undecided
    A.CLAIM: ({"viewer"}, RESOLVABLE),
    A.APPLY_TIEBREAKER: ({"opener"}, RESOLVABLE),  # only while nobody decides
    A.CANCEL: (CORRECTORS, RESOLVABLE),
    A.REOPEN: (CORRECTORS, {Status.DECIDED, Status.CANCELLED}),
    A.SUPERSEDE: (CORRECTORS, RESOLVABLE | {Status.DECIDED}),
    A.REASSIGN: ({"decider", "admin"}, RESOLVABLE),  # + opener while nobody decides
    A.EDIT: (CORRECTORS, RESOLVABLE),
    A.CHARTER_EDIT: (TENDERS, ANY),
    A.VALUES_EDIT: (TENDERS, ANY),
    A.ROTATION_EDIT: (TENDERS, ANY),
    A.STEWARD_EDIT: (TENDERS, ANY),
    A.CANVAS_CREATE: ({"admin"}, ANY),  # the steward and editors tend it; it follows by itself
    A.SCHEDULE_EDIT: ({"setter", "admin"}, ANY),  # + viewer while no schedule is set
    A.SHARE_FORECAST: ({"forecaster"}, ANY),  # private until its author shares it
}

# Each persona holds exactly one role (and is a member, as everyone is).
PERSONAS = {
    "decider": Actor("UDEC", can_see=False),
    "opener": Actor("UOPEN", can_see=False),
    "admin": Actor("UADMIN", is_admin=True, can_see=False),
    "steward": Actor("USTEW", is_steward=True, can_see=False),
    "editor": Actor("UEDIT", is_charter_editor=True, can_see=False),
    "poll starter": Actor("UPOLL", started_poll=True, can_see=False),
    "viewer": Actor("UVIEW", can_see=True),
    "member": Actor("UMEMBER", can_see=False),
    "objector": Actor("UOBJ", can_see=False),
    "setter": Actor("USET", can_see=False),
    "forecaster": Actor("UFORE", can_see=False),
}
STATES = list(
    itertools.product(Status, Zone, [True, False], [True, False], [True, False], [True, False])
)  # status, zone, has a decider, poll taking votes, decider chosen by a poll, schedule set


def _who(action: Action, subject: Subject) -> set[str]:
    who = set(SPEC[action][0])
    if action is A.POLL_START and not subject.settled_by_poll:
        who.add("viewer")
    if action is A.POLL_ADOPT and subject.decider_id is None:
        who.add("poll starter")
    if action is A.SCHEDULE_EDIT and subject.setter_id is None:
        who.add("viewer")
    if action is A.REASSIGN and subject.decider_id is None:
        who.add("opener")  # PRODUCT: "the decider, or the opener while there is none"
    return who


def _held(persona: str, subject: Subject) -> set[str]:
    if persona == "decider" and subject.decider_id is None:
        return {"member"}  # nobody decides: holding the decider's id means nothing
    if persona == "setter" and subject.setter_id is None:
        return {"member"}  # no schedule is set: nobody set it
    return {persona, "member"}


def expected(action: Action, persona: str, subject: Subject) -> bool:
    statuses = SPEC[action][1]
    if not _held(persona, subject) & _who(action, subject) or subject.status not in statuses:
        return False
    if action is A.ESCALATE and subject.zone is Zone.CENTRE:
        return False
    if action is A.CONSENSUS_CHECK and subject.decider_id is None:
        return False
    if action is A.APPLY_TIEBREAKER and subject.decider_id is not None:
        return False  # a tiebreaker names a decider; it never replaces one
    if action is A.CLAIM and (subject.decider_id is not None or subject.poll_open):
        return False
    return not (action is A.POLL_START and subject.poll_open)


def subject(status, zone, has_decider, poll_open, settled, schedule_set=False) -> Subject:
    return Subject(
        title="Pick",
        status=status,
        zone=zone,
        decider_id="UDEC" if has_decider else None,
        opener_id="UOPEN",
        poll_open=poll_open,
        poll_starter="UPOLL",
        settled_by_poll=settled and has_decider,
        objector_id="UOBJ",
        setter_id="USET" if schedule_set else None,
        forecast_by="UFORE",
    )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", list(Action))
def test_each_action_for_each_role_in_every_state(action, persona):
    for state in STATES:
        about = subject(*state)
        allowed = permissions.may(action, PERSONAS[persona], about)
        assert allowed == expected(action, persona, about), (action, persona, state)


def test_every_action_has_a_rule_and_a_spec():
    assert set(permissions.TABLE) == set(Action) == set(SPEC)


def test_a_refusal_says_which_rule_and_who_could():
    decided = subject(Status.OPEN, Zone.LOCAL, True, False, False)
    with pytest.raises(NotAllowed, match="Only the decider or the person who opened") as refused:
        permissions.check(A.RECORD_RESOLUTION, PERSONAS["viewer"], decided)
    assert refused.value.action == A.RECORD_RESOLUTION.value
    assert set(refused.value.needed) == {"decider", "opener"}
    assert "<@UDEC>" in str(refused.value) and "<@UOPEN>" in str(refused.value)


def test_claiming_is_refused_while_a_poll_takes_votes():
    polled = subject(Status.OPEN, Zone.LOCAL, False, True, False)
    with pytest.raises(NotAllowed, match="poll is already running"):
        permissions.check(A.CLAIM, PERSONAS["viewer"], polled)


def test_a_poll_starter_cannot_replace_a_named_decider():
    decided = subject(Status.OPEN, Zone.LOCAL, True, False, True)
    with pytest.raises(NotAllowed, match="<@UDEC> or <@UOPEN>"):
        permissions.check(A.POLL_ADOPT, PERSONAS["poll starter"], decided)
    with pytest.raises(NotAllowed, match="An earlier poll already chose <@UDEC>"):
        permissions.check(A.POLL_START, PERSONAS["viewer"], decided)


def test_nobody_shares_a_forecast_that_does_not_exist():
    without = Subject(title="Pick", status=Status.DECIDED, decider_id="UDEC")
    with pytest.raises(NotAllowed, match="has no forecast to share"):
        permissions.check(A.SHARE_FORECAST, PERSONAS["decider"], without)


def test_the_readme_shows_the_table_as_it_is():
    readme = (ROOT / "README.md").read_text()
    shown = re.search(
        r"<!-- permissions table: generated -->\n(.*?)\n<!-- permissions table: end -->",
        readme,
        re.S,
    )
    assert shown is not None, "README.md lost its permissions table"
    assert shown.group(1) == permissions.markdown_table()


def test_only_the_objector_withdraws_and_the_refusal_names_them():
    about = subject(Status.OPEN, Zone.LOCAL, False, False, False)
    with pytest.raises(NotAllowed, match="Only <@UOBJ>, who objected") as refused:
        permissions.check(A.WITHDRAW_OBJECTION, PERSONAS["opener"], about)
    assert refused.value.needed == ("objector",)


def test_a_set_schedule_is_changed_by_who_set_it_or_an_admin_and_others_are_told_who():
    about = replace(subject(Status.OPEN, Zone.LOCAL, True, False, False, True), what="retro")
    permissions.check(A.SCHEDULE_EDIT, PERSONAS["setter"], about)
    permissions.check(A.SCHEDULE_EDIT, PERSONAS["admin"], about)
    with pytest.raises(NotAllowed, match="Only <@USET> \\(who set it\\) or a workspace admin"):
        permissions.check(A.SCHEDULE_EDIT, PERSONAS["viewer"], about)
    unset = subject(Status.OPEN, Zone.LOCAL, True, False, False, False)
    permissions.check(A.SCHEDULE_EDIT, PERSONAS["viewer"], unset)  # anyone here sets the first
