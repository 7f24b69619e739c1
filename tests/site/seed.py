"""A small team's week, made through the domain: the decision log the site tests read."""

from __future__ import annotations

from datetime import timedelta

from app.domain import charter, decisions, escalation, lifecycle, names, outcomes, values
from app.domain.decisions import Declaration
from app.vocabulary import Framework, Zone

TEAM = "T0ACME"
HOSTILE = '<script>alert("title")</script><img src=x onerror="alert(1)">'
PEOPLE = {"U0ALICE": "Alice", "U0BOB": "Bob", "U0CAROL": "山田 Carol"}
CHANNELS = {"C0GENERAL": "general", "C0PLATFORM": "platform"}


def seed_week(sessions, clock) -> dict[str, int]:
    """Four decisions in two channels: decided and reviewed, escalated, cancelled, and one
    whose every text is an attack. Returns their ids by nickname."""
    ids: dict[str, int] = {}

    def open_one(key, title, channel, decider, **extra):
        with sessions.begin() as session:
            decision, _ = decisions.open_decision(
                session,
                team_id=TEAM,
                team_domain="acme",
                actor_id="U0ALICE",
                origin_key=key,
                now=clock.now(),
                declaration=Declaration(
                    title=title, channel_id=channel, decider_id=decider, **extra
                ),
            )
            ids[key] = decision.id
        clock.advance(timedelta(hours=2))

    open_one(
        "db",
        "Pick the billing database",
        "C0PLATFORM",
        "U0BOB",
        framework=Framework.EXPERTISE,
        context="Ask <@U0CAROL> in <#C0GENERAL>: she ran it before.",
    )
    with sessions.begin() as session:
        decisions.attach_card(
            session,
            team_id=TEAM,
            decision_id=ids["db"],
            card_ts="1.2",
            permalink="https://acme.slack.com/archives/C0PLATFORM/p12",
        )
        decisions.record_resolution(
            session,
            team_id=TEAM,
            decision_id=ids["db"],
            actor_id="U0BOB",
            resolution="PostgreSQL",
            rationale="We know it; it has the extensions we need.",
            now=clock.now(),
            idempotency_key="r-db",
        )
        outcomes.record_outcome(
            session,
            team_id=TEAM,
            decision_id=ids["db"],
            actor_id="U0BOB",
            outcome="did_not_work",
            note="Replication lag hurt us",
            now=clock.now() + timedelta(days=1),
            idempotency_key="o-db",
        )
    clock.advance(timedelta(days=2))
    open_one("hire", "Hire a second designer", "C0GENERAL", "U0CAROL", zone=Zone.PRINCIPLE)
    with sessions.begin() as session:
        escalation.escalate(
            session,
            team_id=TEAM,
            decision_id=ids["hire"],
            actor_id="U0BOB",
            reason="Budget is a leadership call",
            now=clock.now(),
            idempotency_key="e-hire",
            seen_from="C0GENERAL",
        )
    open_one("tabs", "Tabs or spaces", "C0GENERAL", None)
    with sessions.begin() as session:
        lifecycle.cancel(
            session,
            team_id=TEAM,
            decision_id=ids["tabs"],
            actor_id="U0ALICE",
            reason="The formatter settles it; ask <@U0BOB>",
            now=clock.now(),
            idempotency_key="c-tabs",
        )
    open_one(
        "evil",
        HOSTILE,
        "C0PLATFORM",
        "U0ALICE",
        context='</p><script>alert("context")</script><a href="javascript:alert(2)">x</a>',
    )
    with sessions.begin() as session:
        decisions.attach_card(
            session,
            team_id=TEAM,
            decision_id=ids["evil"],
            card_ts="1.3",
            permalink="javascript:alert(3)",
        )
        names.remember(
            session, TEAM, clock.now(), people=PEOPLE, channels=CHANNELS, source=names.DIRECTORY
        )
        values.save(
            session,
            team_id=TEAM,
            values=[
                {"name": "Ownership", "principles": ["Closest decides", "Say why"]},
                {"name": "Candour", "principles": ["Object early", "Disagree and commit"]},
                {"name": "Pace <b>", "principles": ["Reversible is fast", "Small steps"]},
            ],
            base_version=0,
            actor_id="U0ALICE",
            now=clock.now(),
        )
        edit = charter.CharterEdit(
            domains=(charter.DomainSpec("architecture", authority_id="U0BOB"),),
            escalation_contact="U0ALICE",
            editors="admins",
            editor_ids=(),
            formal_leads=("U0ALICE",),
        )
        charter.save(
            session, team_id=TEAM, edit=edit, base_version=1, actor_id="U0ALICE", now=clock.now()
        )
    return ids
