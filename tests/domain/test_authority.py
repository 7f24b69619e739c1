"""Who decides in a charter domain: the charter's person, its rotation's lead, the channel's
rotation lead, the steward, or nobody (an answer, with the domains the charter knows)."""

from __future__ import annotations

from app.domain import charter as charters
from app.domain import steward
from app.domain.authority import Source, who_decides
from app.vocabulary import Zone
from tests.domain.factories import ALICE, BOB, CAROL, T1, T2, rotation


def save(session, now, *specs):
    charters.save(
        session,
        team_id=T1,
        edit=charters.CharterEdit(specs, None, "admins", (), ()),
        base_version=charters.get_or_create(session, T1, now).version,
        actor_id=ALICE,
        now=now,
    )


def test_each_way_of_finding_the_decider_in_order(sessions, clock):
    now = clock.now()
    with sessions.begin() as session:
        oncall = rotation(session, now, [CAROL, BOB], channel="C9")
        save(
            session,
            now,
            charters.DomainSpec("design", BOB, zone=Zone.PRINCIPLE),
            charters.DomainSpec("ops", rotation_id=oncall.id, zone=Zone.CENTRE),
            charters.DomainSpec("hiring"),
        )
        design = who_decides(session, T1, "  Design ", None, now)
        ops = who_decides(session, T1, "ops", None, now)
        in_channel = who_decides(session, T1, "hiring", "C9", now)
        nobody = who_decides(session, T1, "hiring", "C1", now)
        steward.set_steward(session, team_id=T1, actor_id=ALICE, now=now, user_id=ALICE)
        to_steward = who_decides(session, T1, "hiring", None, now)
        unknown = who_decides(session, T1, "legal", None, now)
        other_team = who_decides(session, T2, "design", None, now)
    assert (design.decider_id, design.source, design.zone) == (
        BOB,
        Source.CHARTER_DEFAULT,
        "principle",
    )
    assert (ops.decider_id, ops.source, ops.rotation_name) == (
        CAROL,
        Source.ROTATION_LEAD,
        "oncall",
    )
    assert (in_channel.decider_id, in_channel.source) == (CAROL, Source.ROTATION_LEAD)
    assert (nobody.decider_id, nobody.source, nobody.known) == (None, Source.NONE, True)
    assert (to_steward.decider_id, to_steward.source) == (ALICE, Source.STEWARD)
    assert (unknown.source, unknown.known, unknown.domains) == (
        Source.NONE,
        False,
        ("design", "hiring", "ops"),
    )
    assert (other_team.source, other_team.domains) == (Source.NONE, ())  # no crossing teams
