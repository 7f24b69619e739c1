"""Submissions of the charter and values forms, saved only by those the charter lets edit."""

from __future__ import annotations

from slack_bolt import Ack, App
from slack_sdk import WebClient

from app import ids
from app.domain import charter as charters
from app.domain import values
from app.domain.errors import InvalidInput, NotAllowed
from app.listeners.deps import Deps
from app.listeners.payloads import BadPayload, ViewSubmission
from app.listeners.people import is_admin
from app.posting.canvas import refresh_charter_canvases
from app.vocabulary import Zone


def _domain(s: ViewSubmission, i: int) -> charters.DomainSpec | None:
    """The i-th domain row of the form, or None when its name is blank."""
    field = lambda name: ids.DOMAIN_FIELD.format(i=i, field=name)  # noqa: E731
    name = " ".join(s.text_of(field("name")).lower().split())
    if not name:
        return None
    rotation = s.option_of(field("rotation"))
    if rotation is not None and not rotation.isdigit():
        raise BadPayload("rotation option is not an id")
    zone = s.option_of(field("zone")) or "local"
    if zone not in {z.value for z in Zone}:
        raise BadPayload("unknown zone")
    return charters.DomainSpec(
        name=name,
        authority_id=s.user_of(field("person")),
        rotation_id=int(rotation) if rotation else None,
        zone=Zone(zone),
        escalation_contact=s.user_of(field("contact")),
    )


def _edit(s: ViewSubmission) -> charters.CharterEdit:
    rows = (_domain(s, i) for i in range(charters.MAX_DOMAINS))
    return charters.CharterEdit(
        domains=tuple(row for row in rows if row is not None),
        escalation_contact=s.user_of(ids.CHARTER_CONTACT),
        editors=s.option_of(ids.CHARTER_EDITORS) or "admins",
        editor_ids=tuple(s.users_of(ids.CHARTER_EDITOR_IDS)),
        formal_leads=tuple(s.users_of(ids.CHARTER_LEADS)),
    )


def save_charter(ack: Ack, submission: ViewSubmission, deps: Deps, client: WebClient) -> None:
    s = submission
    version = s.metadata_int("version", minimum=None)
    edit = _edit(s)
    admin = is_admin(client, s.user.id)  # asked of Slack before the transaction opens
    try:
        with deps.sessions.begin() as session:
            charters.editable(session, s.team_id, s.user.id, admin, "the charter", deps.clock.now())
            charters.save(
                session,
                team_id=s.team_id,
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
    refresh_charter_canvases(client, deps.sessions, deps.clock, s.team_id)


def save_values(ack: Ack, submission: ViewSubmission, deps: Deps, client: WebClient) -> None:
    s = submission
    version = s.metadata_int("version", minimum=None)
    given = [
        {
            "name": s.text_of(ids.VALUE_FIELD.format(i=i, field="name")),
            "principles": s.text_of(ids.VALUE_FIELD.format(i=i, field="principles")).splitlines(),
        }
        for i in range(values.MAX_VALUES)
    ]
    admin = is_admin(client, s.user.id)  # asked of Slack before the transaction opens
    try:
        with deps.sessions.begin() as session:
            charters.editable(session, s.team_id, s.user.id, admin, "the values", deps.clock.now())
            values.save(
                session,
                team_id=s.team_id,
                values=given,
                base_version=version,
                actor_id=s.user.id,
                now=deps.clock.now(),
            )
    except InvalidInput as exc:
        ack(response_action="errors", errors=_value_errors(exc.errors, given))
        return
    except NotAllowed as exc:
        ack(
            response_action="errors",
            errors={ids.VALUE_FIELD.format(i=0, field="name"): str(exc)[:150]},
        )
        return
    ack()
    refresh_charter_canvases(client, deps.sessions, deps.clock, s.team_id)


def _value_errors(errors: dict[str, str], given: list[dict]) -> dict[str, str]:
    """Every flagged field of the values form: the field each error names, or, for too few
    values, the first empty one (too many cannot be typed: the form has five)."""
    flagged = {}
    for key, sentence in errors.items():
        i, _, part = key.partition(".")
        if part:
            flagged[ids.VALUE_FIELD.format(i=int(i), field=part)] = sentence[:150]
    if "values" in errors:
        empty = next((i for i, v in enumerate(given) if not v["name"].strip()), 0)
        flagged[ids.VALUE_FIELD.format(i=empty, field="name")] = errors["values"][:150]
    return flagged


def register(app: App, deps: Deps) -> None:
    app.view(ids.CHARTER_VIEW)(save_charter)
    app.view(ids.VALUES_VIEW)(save_values)
