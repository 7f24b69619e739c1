"""Charter rules: concurrent edits, permissions, values, the heuristic, escalation path."""

from __future__ import annotations

import pytest

from app.db.models import CharterEvent
from app.domain import charter as charters
from app.domain import decisions, escalation, values
from app.domain.errors import InvalidInput, NotAllowed
from app.domain.situational import suggest
from app.vocabulary import Approach, Framework, Zone

T = "T1"


def edit(*names: str, editors: str = "admins") -> charters.CharterEdit:
    return charters.CharterEdit(
        domains=tuple(charters.DomainSpec(name=n, authority_id="U1") for n in names),
        escalation_contact="U9",
        editors=editors,
        editor_ids=(),
        formal_leads=("U5",),
    )


def test_two_edits_from_the_same_version_cannot_both_win(sessions, clock):
    with sessions.begin() as session:
        base = charters.get_or_create(session, T, clock.now()).version
    with sessions.begin() as session:
        charters.save(
            session,
            team_id=T,
            edit=edit("design"),
            base_version=base,
            actor_id="U1",
            now=clock.now(),
        )
    with (
        pytest.raises(NotAllowed, match="Someone else changed the charter"),
        sessions.begin() as session,
    ):
        charters.save(
            session,
            team_id=T,
            edit=edit("hiring"),
            base_version=base,
            actor_id="U2",
            now=clock.now(),
        )
    with sessions() as session:
        assert [d.name for d in charters.domains(session, T)] == ["design"]
        assert charters.formal_leads(session, T) == ["U5"]
        assert [e.kind for e in session.query(CharterEvent)] == ["charter_saved"]


def test_who_may_edit_defaults_to_admins_and_refusals_say_who_can(sessions, clock):
    with sessions.begin() as session:
        charter = charters.get_or_create(session, T, clock.now())
        assert charters.may_edit(charter, "U1", is_admin=True)
        with pytest.raises(NotAllowed, match="Only workspace admins and owners can change"):
            charters.check_may_edit(charter, "U1", False, "the charter")
        charter.editors, charter.editor_ids = "people", ["U3"]
        assert charters.may_edit(charter, "U3", is_admin=False)
        with pytest.raises(NotAllowed, match="<@U3> and workspace admins"):
            charters.check_may_edit(charter, "U1", False, "the values")


def test_bad_charters_are_refused():
    assert "once" in charters.check_edit(edit("design", "design"))["domains"]
    assert "can't be a domain" in charters.check_edit(edit("Design!"))["domains"]
    assert "Name the people" in charters.check_edit(edit("x", editors="people"))["editors"]


def test_values_need_three_to_five_with_two_or_three_principles(sessions, clock):
    good = [{"name": f"V{i}", "principles": ["a", "b"]} for i in range(3)]
    with sessions.begin() as session:
        charter = values.save(
            session, team_id=T, values=good, base_version=0, actor_id="U1", now=clock.now()
        )
        assert values.principles(charter)[0] == ("1.1", "V0: a")
        assert values.principle_text(charter, "3.2") == "V2: b"
    with pytest.raises(InvalidInput, match="3 to 5"):
        values.check(good[:2])
    with pytest.raises(InvalidInput, match="2 or 3 principles"):
        values.check([*good[:2], {"name": "X", "principles": ["only one"]}])


def test_values_errors_name_every_field_at_fault_by_its_place_in_the_form():
    blank = {"name": "", "principles": []}
    given = [
        {"name": "Ownership", "principles": ["a", "b"]},
        blank,
        {"name": "", "principles": ["a", "b"]},
        {"name": "Speed", "principles": ["only one"]},
    ]
    with pytest.raises(InvalidInput) as refused:
        values.check(given)
    assert set(refused.value.errors) == {"2.name", "3.principles"}  # positions as typed
    with pytest.raises(InvalidInput) as refused:
        values.check([given[0], blank, blank])
    assert set(refused.value.errors) == {"values"}


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ((True, False, False), (Framework.EXPERTISE, Approach.TACTICAL, Zone.LOCAL, False)),
        ((False, False, False), (Framework.EXPERTISE, Approach.STRATEGIC, Zone.PRINCIPLE, True)),
        ((False, True, False), (Framework.EXPERTISE, Approach.STRATEGIC, Zone.CENTRE, True)),
        ((True, True, None), (Framework.EXPERTISE, Approach.STRATEGIC, Zone.PRINCIPLE, True)),
        ((True, False, True), (Framework.SITUATIONAL, Approach.TACTICAL, Zone.LOCAL, False)),
        ((False, None, True), (Framework.SITUATIONAL, Approach.TACTICAL, Zone.CENTRE, True)),
    ],
)
def test_the_situational_heuristic(answers, expected):
    s = suggest(*answers)
    assert (s.framework, s.approach, s.zone, s.consensus) == expected
    assert s.line().startswith("Suggested:")
    assert suggest(None, None, None) is None


def test_escalation_goes_local_principle_centre_and_no_further(sessions, clock):
    with sessions.begin() as session:
        d, _ = decisions.open_decision(
            session,
            team_id=T,
            declaration=decisions.Declaration(title="Pick", channel_id="C1"),
            actor_id="U1",
            origin_key="o",
            now=clock.now(),
        )
        for n, zone in enumerate(["principle", "centre"]):
            d, changed = escalation.escalate(
                session,
                team_id=T,
                decision_id=d.id,
                actor_id="U2",
                seen_from="C1",
                reason="big",
                now=clock.now(),
                idempotency_key=f"k{n}",
            )
            assert changed and d.zone.value == zone
        assert escalation.escalate(
            session,
            team_id=T,
            decision_id=d.id,
            actor_id="U2",
            seen_from="C1",
            reason="big",
            now=clock.now(),
            idempotency_key="k1",
        ) == (d, False)
        with pytest.raises(NotAllowed, match="centre zone"):
            escalation.escalate(
                session,
                team_id=T,
                decision_id=d.id,
                actor_id="U2",
                seen_from="C1",
                reason="x",
                now=clock.now(),
                idempotency_key="k3",
            )
