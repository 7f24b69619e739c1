"""Submissions of the escalation, charter, values and anonymous report modals."""

from __future__ import annotations

from slack_bolt import Ack, App
from slack_sdk import WebClient

from app import ids
from app.blocks.escalation import build_escalation_notice, escalation_text
from app.blocks.feedback import build_feedback_sent, build_steward_report, steward_text
from app.domain import charter as charters
from app.domain import decisions, escalation, steward, values
from app.domain.errors import InvalidInput, NotAllowed, NotFound
from app.listeners.deps import Deps
from app.listeners.payloads import BadPayload, ViewSubmission, parse
from app.listeners.people import is_admin
from app.posting.cards import refresh_card, tell
from app.vocabulary import Zone


def _domains(s: ViewSubmission) -> tuple[charters.DomainSpec, ...]:
    specs = []
    for i in range(charters.MAX_DOMAINS):
        field = lambda name, i=i: ids.DOMAIN_FIELD.format(i=i, field=name)  # noqa: E731
        name = " ".join(s.text_of(field("name")).lower().split())
        if not name:
            continue
        rotation = s.option_of(field("rotation"))
        if rotation is not None and not rotation.isdigit():
            raise BadPayload("rotation option is not an id")
        zone = s.option_of(field("zone")) or "local"
        if zone not in {z.value for z in Zone}:
            raise BadPayload("unknown zone")
        specs.append(
            charters.DomainSpec(
                name=name,
                authority_id=s.user_of(field("person")),
                rotation_id=int(rotation) if rotation else None,
                zone=Zone(zone),
                escalation_contact=s.user_of(field("contact")),
            )
        )
    return tuple(specs)


def register(app: App, deps: Deps) -> None:
    @app.view(ids.ESCALATE_VIEW)
    def escalate(ack: Ack, body: dict, client: WebClient) -> None:
        s = parse(ViewSubmission, body)
        decision_id = s.metadata_int("decision_id", minimum=None)
        reason = s.text_of(ids.REASON)
        try:
            with deps.sessions.begin() as session:
                decision, changed = escalation.escalate(
                    session,
                    team_id=s.team.id,
                    decision_id=decision_id,
                    actor_id=s.user.id,
                    reason=reason,
                    now=deps.clock.now(),
                    idempotency_key=f"view:{s.view.id}",
                )
                contact = escalation.contact_for(session, decision)
        except (InvalidInput, NotAllowed, NotFound) as exc:
            ack(response_action="errors", errors={ids.REASON: str(exc)[:150]})
            return
        ack()
        if not changed:
            return
        refresh_card(client, decision)
        reason = " ".join(reason.split())
        if contact:
            client.chat_postMessage(
                channel=contact,
                text=escalation_text(decision, s.user.id, reason),
                blocks=build_escalation_notice(decision, s.user.id, reason),
            )
        else:
            tell(
                client,
                user_id=s.user.id,
                channel_id=decision.channel_id,
                text="Escalated. The charter names no escalation contact, so nobody was told; "
                "an admin can name one in `/decide charter`.",
            )

    @app.view(ids.CHARTER_VIEW)
    def save_charter(ack: Ack, body: dict, client: WebClient) -> None:
        s = parse(ViewSubmission, body)
        version = s.metadata_int("version", minimum=None)
        editors = s.option_of(ids.CHARTER_EDITORS) or "admins"
        edit = charters.CharterEdit(
            domains=_domains(s),
            escalation_contact=s.user_of(ids.CHARTER_CONTACT),
            editors=editors,
            editor_ids=tuple(s.users_of(ids.CHARTER_EDITOR_IDS)),
            formal_leads=tuple(s.users_of(ids.CHARTER_LEADS)),
        )
        admin = is_admin(client, s.user.id)
        try:
            with deps.sessions.begin() as session:
                charter = charters.get_or_create(session, s.team.id, deps.clock.now())
                charters.check_may_edit(charter, s.user.id, admin, "the charter")
                charters.save(
                    session,
                    team_id=s.team.id,
                    edit=edit,
                    base_version=version,
                    actor_id=s.user.id,
                    now=deps.clock.now(),
                )
        except InvalidInput as exc:
            first = next(iter(exc.errors.values()))
            block = (
                ids.CHARTER_EDITORS
                if "editors" in exc.errors
                else ids.DOMAIN_FIELD.format(i=0, field="name")
            )
            ack(response_action="errors", errors={block: first[:150]})
            return
        except NotAllowed as exc:
            ack(response_action="errors", errors={ids.CHARTER_CONTACT: str(exc)[:150]})
            return
        ack()

    @app.view(ids.VALUES_VIEW)
    def save_values(ack: Ack, body: dict, client: WebClient) -> None:
        s = parse(ViewSubmission, body)
        version = s.metadata_int("version", minimum=None)
        given = [
            {
                "name": s.text_of(ids.VALUE_FIELD.format(i=i, field="name")),
                "principles": s.text_of(
                    ids.VALUE_FIELD.format(i=i, field="principles")
                ).splitlines(),
            }
            for i in range(values.MAX_VALUES)
        ]
        admin = is_admin(client, s.user.id)
        first = ids.VALUE_FIELD.format(i=0, field="name")
        try:
            with deps.sessions.begin() as session:
                charter = charters.get_or_create(session, s.team.id, deps.clock.now())
                charters.check_may_edit(charter, s.user.id, admin, "the values")
                values.save(
                    session,
                    team_id=s.team.id,
                    values=given,
                    base_version=version,
                    actor_id=s.user.id,
                    now=deps.clock.now(),
                )
        except (InvalidInput, NotAllowed) as exc:
            ack(response_action="errors", errors={first: str(exc)[:150]})
            return
        ack()

    @app.view(ids.FEEDBACK_VIEW)
    def report(ack: Ack, body: dict, client: WebClient) -> None:
        """Never reads, passes on or logs who submitted: only the team and the view id."""
        s = parse(ViewSubmission, body)
        kind = s.option_of(ids.FEEDBACK_KIND) or ""
        about = s.option_of(ids.FEEDBACK_DECISION)
        if about is not None and not about.isdigit():
            raise BadPayload("decision option is not an id")
        try:
            with deps.sessions.begin() as session:
                row, to, created = steward.report(
                    session,
                    team_id=s.team.id,
                    kind=kind,
                    text=s.text_of(ids.FEEDBACK_TEXT),
                    decision_id=int(about) if about else None,
                    view_id=s.view.id,
                    now=deps.clock.now(),
                )
                decision = (
                    decisions.get_decision(session, s.team.id, row.decision_id)
                    if row.decision_id
                    else None
                )
                kind, text = row.kind, row.text
        except (InvalidInput, NotAllowed, NotFound) as exc:
            ack(response_action="errors", errors={ids.FEEDBACK_TEXT: str(exc)[:150]})
            return
        ack(response_action="update", view=build_feedback_sent())
        if created:
            client.chat_postMessage(
                channel=to,
                text=steward_text(kind),
                blocks=build_steward_report(kind, text, decision),
            )
