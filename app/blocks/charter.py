"""The charter as `/decide charter` shows it, and its edit modals (charter, values). Pure."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
    StaticSelectElement,
    UserMultiSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from app import ids
from app.blocks.modal import build_modal, input_block
from app.blocks.modals import ZONE_HINTS
from app.blocks.text import escape, truncate
from app.db.models import Charter, CharterDomain, Rotation
from app.domain.charter import MAX_DOMAINS
from app.domain.values import MAX_PRINCIPLES, MAX_VALUES, MIN_PRINCIPLES, MIN_VALUES
from app.vocabulary import Zone

EDITOR_CHOICES = {
    "admins": "Workspace admins",
    "everyone": "Everyone",
    "people": "These people (and admins)",
}


def _authority(domain: CharterDomain, rotation_names: dict[int, str]) -> str:
    if domain.rotation_id is not None:
        return f"rotation `{escape(rotation_names.get(domain.rotation_id, '?'))}` lead"
    return f"<@{domain.authority_id}>" if domain.authority_id else "_no default_"


def build_charter(
    charter: Charter,
    domains: Sequence[CharterDomain],
    rotation_names: dict[int, str],
    formal_leads: Sequence[str],
    steward: str | None,
) -> list[Block]:
    lines = [
        f"• *{escape(d.name)}*: {_authority(d, rotation_names)} · {d.zone.value} zone"
        + (f" · escalate to <@{d.escalation_contact}>" if d.escalation_contact else "")
        for d in domains
    ]
    body = "\n".join(lines) or "_No decision domains yet._"
    contact = f"<@{charter.escalation_contact}>" if charter.escalation_contact else "_nobody yet_"
    leads = ", ".join(f"<@{u}>" for u in formal_leads) or "_none named_"
    values = "\n".join(
        f"• *{escape(v['name'])}*: " + "; ".join(escape(p) for p in v["principles"])
        for v in charter.values or []
    )
    editors = EDITOR_CHOICES.get(charter.editors, charter.editors)
    if charter.editors == "people":
        editors = ", ".join(f"<@{u}>" for u in charter.editor_ids) + " and admins"
    return [
        HeaderBlock(text="Team charter"),
        SectionBlock(text=MarkdownTextObject(text=truncate(f"*Domains*\n{body}", 3000))),
        SectionBlock(
            fields=[
                MarkdownTextObject(text=f"*Escalation contact*\n{contact}"),
                MarkdownTextObject(text=f"*Formal leads*\n{truncate(leads, 1900)}"),
                MarkdownTextObject(text=f"*Steward*\n{f'<@{steward}>' if steward else '_none_'}"),
                MarkdownTextObject(text=f"*Who may edit*\n{truncate(editors, 1900)}"),
            ]
        ),
        SectionBlock(
            text=MarkdownTextObject(
                text=truncate(f"*Values*\n{values or '_None yet: `/decide values`._'}", 3000)
            )
        ),
        ActionsBlock(
            block_id="charter.actions",
            elements=[
                ButtonElement(text="Edit charter", action_id=ids.CHARTER_EDIT, value="edit"),
                ButtonElement(text="Edit values", action_id=ids.VALUES_EDIT, value="edit"),
            ],
        ),
        ContextBlock(elements=[MarkdownTextObject(text=f"Version {charter.version}")]),
    ]


def _field(kind: str, i: int, field: str) -> str:
    pattern = ids.DOMAIN_FIELD if kind == "domain" else ids.VALUE_FIELD
    return pattern.format(i=i, field=field)


def _domain_inputs(i: int, domain: CharterDomain | None, rotations: Sequence[Rotation]):
    zones = [Option(value=z.value, text=t) for z, t in ZONE_HINTS.items()]
    zone = domain.zone if domain else Zone.LOCAL
    blocks: list[Block] = [
        input_block(
            _field("domain", i, "name"),
            f"Domain {i + 1}",
            PlainTextInputElement(
                action_id=ids.VALUE,
                max_length=40,
                initial_value=domain.name if domain else None,
                placeholder="e.g. design",
            ),
        ),
        input_block(
            _field("domain", i, "person"),
            "Decides by default",
            UserSelectElement(
                action_id=ids.VALUE, initial_user=domain.authority_id if domain else None
            ),
        ),
    ]
    if rotations:
        options = [
            Option(value=str(r.id), text=truncate(f"Rotation {escape(r.name)}", 75))
            for r in rotations
        ]
        chosen = next((o for o in options if domain and o.value == str(domain.rotation_id)), None)
        blocks.append(
            input_block(
                _field("domain", i, "rotation"),
                "…or a rotation's lead",
                StaticSelectElement(
                    action_id=ids.VALUE, options=options[:100], initial_option=chosen
                ),
            )
        )
    blocks += [
        input_block(
            _field("domain", i, "zone"),
            "Zone",
            StaticSelectElement(
                action_id=ids.VALUE,
                options=zones,
                initial_option=next(o for o in zones if o.value == zone.value),
            ),
        ),
        input_block(
            _field("domain", i, "contact"),
            "Escalation contact",
            UserSelectElement(
                action_id=ids.VALUE, initial_user=domain.escalation_contact if domain else None
            ),
        ),
    ]
    return blocks


def build_charter_modal(
    charter: Charter,
    domains: Sequence[CharterDomain],
    rotations: Sequence[Rotation],
    formal_leads: Sequence[str],
) -> View:
    """Existing domains plus empty slots, up to MAX_DOMAINS; the version rides in metadata."""
    slots = min(MAX_DOMAINS, len(domains) + 2)
    blocks: list[Block] = []
    for i in range(slots):
        blocks += _domain_inputs(i, domains[i] if i < len(domains) else None, rotations)
    editors = [Option(value=k, text=v) for k, v in EDITOR_CHOICES.items()]
    blocks += [
        input_block(
            ids.CHARTER_CONTACT,
            "Escalation contact (any domain)",
            UserSelectElement(action_id=ids.VALUE, initial_user=charter.escalation_contact),
        ),
        input_block(
            ids.CHARTER_LEADS,
            "Formal leads",
            UserMultiSelectElement(action_id=ids.VALUE, initial_users=list(formal_leads) or None),
            hint="People with a formal lead role, so metrics can compare them with the experts.",
        ),
        InputBlock(
            block_id=ids.CHARTER_EDITORS,
            label="Who may edit the charter, values, rotations and steward",
            element=RadioButtonsElement(
                action_id=ids.VALUE,
                options=editors,
                initial_option=next(o for o in editors if o.value == charter.editors),
            ),
        ),
        input_block(
            ids.CHARTER_EDITOR_IDS,
            "These people",
            UserMultiSelectElement(
                action_id=ids.VALUE, initial_users=list(charter.editor_ids or []) or None
            ),
        ),
    ]
    return build_modal(
        ids.CHARTER_VIEW,
        "Team charter",
        blocks,
        submit="Save",
        private_metadata={"version": charter.version},
    )


def build_values_modal(charter: Charter) -> View:
    values = list(charter.values or [])
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"Write {MIN_VALUES} to {MAX_VALUES} values, each with "
                f"{MIN_PRINCIPLES} or {MAX_PRINCIPLES} principles. The first {MIN_VALUES} "
                "are required."
            )
        )
    ]
    for i in range(MAX_VALUES):
        value = values[i] if i < len(values) else None
        required = i < MIN_VALUES  # said up front, so Slack asks for them before sending
        blocks += [
            input_block(
                _field("value", i, "name"),
                f"Value {i + 1}",
                PlainTextInputElement(
                    action_id=ids.VALUE,
                    max_length=60,
                    initial_value=value["name"] if value else None,
                ),
                optional=not required,
            ),
            input_block(
                _field("value", i, "principles"),
                "Its principles, one per line",
                PlainTextInputElement(
                    action_id=ids.VALUE,
                    multiline=True,
                    max_length=500,
                    initial_value="\n".join(value["principles"]) if value else None,
                ),
                optional=not required,
                hint=f"{MIN_PRINCIPLES} or {MAX_PRINCIPLES} lines, one principle each.",
            ),
        ]
    return build_modal(
        ids.VALUES_VIEW,
        "Values and principles",
        blocks,
        submit="Save",
        private_metadata={"version": charter.version},
    )
