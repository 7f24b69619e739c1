"""Who may do what: one table answers "may this person do this to this decision?".

Principles (PRODUCT.md, "Who may do what"): the decider decides; the opener may correct and
withdraw what they opened; admins and the steward tend the charter, values and rotations;
escalation and objection are a voice open to anyone who can see the card, never a silent
takeover; only the decider or an admin returns an escalated decision to local; nobody claims a
decision while an expertise poll on it is open.

Callers gather the facts (`Actor`, `Subject`: from the database, and `is_admin` from Slack
before any transaction opens) and call `check`; nothing else in the app decides permissions.
The README's table is `markdown_table()`; a test keeps them equal.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from app.domain.errors import NotAllowed
from app.vocabulary import Action, Status, Zone

RESOLVABLE = frozenset({Status.OPEN, Status.ESCALATED})


class Role(enum.StrEnum):
    DECIDER = "decider"
    OPENER = "opener"
    ADMIN = "admin"
    STEWARD = "steward"
    CHARTER_EDITOR = "charter editor"
    POLL_STARTER = "poll starter"
    VIEWER = "anyone in its channel"
    MEMBER = "any member"


@dataclass(frozen=True)
class Actor:
    """Facts about the person acting. `can_see` is whether they can see the card (members of
    its channel; a click from the card's own channel proves it)."""

    user_id: str
    is_admin: bool = False
    is_steward: bool = False
    is_charter_editor: bool = False
    can_see: bool = True
    started_poll: bool = False


@dataclass(frozen=True)
class Subject:
    """The decision as the rules see it; team-level actions (charter, schedules) use the
    default, with `what` naming the part being changed and `editors` who may change it."""

    title: str = ""
    status: Status = Status.OPEN
    zone: Zone = Zone.LOCAL
    decider_id: str | None = None
    opener_id: str | None = None
    poll_open: bool = False
    poll_starter: str | None = None
    settled_by_poll: bool = False  # the decider is the one an earlier poll chose
    what: str = ""
    editors: str = "workspace admins and owners"


TEAM = Subject()


@dataclass(frozen=True)
class Condition:
    """A state the decision must be in, and what to say when it is not."""

    label: str
    holds: Callable[[Subject], bool]
    refusal: str


NOT_CENTRE = Condition(
    "below the centre zone",
    lambda s: s.zone is not Zone.CENTRE,
    "“{title}” is already in the centre zone; it can go no higher.",
)
HAS_DECIDER = Condition(
    "has a decider",
    lambda s: s.decider_id is not None,
    "Name a decider first: a consensus check asks about a person.",
)
NO_DECIDER = Condition(
    "no decider is named",
    lambda s: s.decider_id is None,
    "<@{decider}> already decides “{title}”.",
)
NOT_SETTLED_BY_POLL = Condition(
    "no earlier poll chose the decider",
    lambda s: not s.settled_by_poll,
    "An earlier poll already chose <@{decider}> to decide “{title}”.",
)
NO_POLL_OPEN = Condition(
    "no poll taking votes",
    lambda s: not s.poll_open,
    "An expertise poll is already running on “{title}”; wait for its result.",
)


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role]
    refusal: str
    statuses: frozenset[Status] | None = None  # None: any status, or not about a decision
    conditions: tuple[Condition, ...] = ()
    # More roles that count only while `widened_while` holds (then nobody's authority is
    # taken: no decider named yet, or none that the team already chose by a poll).
    widened_roles: frozenset[Role] = frozenset()
    widened_while: Condition | None = None
    status_refusal: str = "“{title}” is already {status}."


def _r(*roles: Role) -> frozenset[Role]:
    return frozenset(roles)


DECIDER, OPENER, ADMIN, STEWARD = Role.DECIDER, Role.OPENER, Role.ADMIN, Role.STEWARD
EDITOR, POLL_STARTER, VIEWER, MEMBER = (
    Role.CHARTER_EDITOR,
    Role.POLL_STARTER,
    Role.VIEWER,
    Role.MEMBER,
)
EDITORS_REFUSAL = (
    "Only {editors} can change {what}. Ask one of them, or ask them to let more people edit "
    "in `/decide charter`."
)
CORRECTORS_REFUSAL = "Only {decider_or} <@{opener}> (who opened it) or an admin can {action}."

TABLE: dict[Action, Rule] = {
    Action.DECLARE: Rule(_r(MEMBER), "Only members of this workspace can declare decisions."),
    Action.RECORD_RESOLUTION: Rule(
        _r(DECIDER, OPENER),
        "Only the decider or the person who opened this decision can record its resolution: "
        "{decider_or} <@{opener}> (who opened it).",
        RESOLVABLE,
    ),
    Action.RECORD_OUTCOME: Rule(
        _r(DECIDER, OPENER),
        "Only <@{decider}>, who decided “{title}”, can say how it turned out.",
        frozenset({Status.DECIDED}),
        status_refusal="“{title}” is {status}, not decided.",
    ),
    Action.ESCALATE: Rule(
        _r(VIEWER),
        "Only people who can see “{title}” can escalate it.",
        RESOLVABLE,
        (NOT_CENTRE,),
    ),
    Action.DEESCALATE: Rule(
        _r(DECIDER, ADMIN),
        "Only {decider_or_nobody} or a workspace admin can return “{title}” to the local zone.",
        frozenset({Status.ESCALATED}),
    ),
    Action.CONSENSUS_CHECK: Rule(
        _r(VIEWER), "Only people who can see “{title}” can ask.", RESOLVABLE, (HAS_DECIDER,)
    ),
    Action.OBJECT: Rule(_r(VIEWER), "Only people who can see “{title}” can answer.", RESOLVABLE),
    Action.POLL_START: Rule(
        _r(DECIDER, OPENER, ADMIN),
        "An earlier poll already chose <@{decider}> to decide “{title}”; only they, "
        "<@{opener}> (who opened it) or an admin can ask the team again.",
        RESOLVABLE,
        (NO_POLL_OPEN,),
        widened_roles=_r(VIEWER),
        widened_while=NOT_SETTLED_BY_POLL,
    ),
    Action.POLL_CLOSE: Rule(
        _r(POLL_STARTER), "Only <@{poll_starter}>, who started this poll, can close it early."
    ),
    Action.POLL_ADOPT: Rule(
        _r(DECIDER, OPENER),
        "Only {adopters} can settle who decides “{title}”.",
        RESOLVABLE,
        widened_roles=_r(POLL_STARTER),
        widened_while=NO_DECIDER,
    ),
    Action.CLAIM: Rule(
        _r(VIEWER),
        "Only people who can see “{title}” can claim it.",
        RESOLVABLE,
        (NO_DECIDER, NO_POLL_OPEN),
    ),
    Action.APPLY_TIEBREAKER: Rule(
        _r(OPENER), "Only <@{opener}>, who opened “{title}”, can apply its tiebreaker.", RESOLVABLE
    ),
    Action.CANCEL: Rule(_r(DECIDER, OPENER, ADMIN), CORRECTORS_REFUSAL, RESOLVABLE),
    Action.REOPEN: Rule(
        _r(DECIDER, OPENER, ADMIN),
        CORRECTORS_REFUSAL,
        frozenset({Status.DECIDED, Status.CANCELLED}),
    ),
    Action.SUPERSEDE: Rule(
        _r(DECIDER, OPENER, ADMIN), CORRECTORS_REFUSAL, frozenset({*RESOLVABLE, Status.DECIDED})
    ),
    Action.REASSIGN: Rule(_r(DECIDER, OPENER, ADMIN), CORRECTORS_REFUSAL, RESOLVABLE),
    Action.EDIT: Rule(_r(DECIDER, OPENER, ADMIN), CORRECTORS_REFUSAL, RESOLVABLE),
    Action.CHARTER_EDIT: Rule(_r(ADMIN, STEWARD, EDITOR), EDITORS_REFUSAL),
    Action.VALUES_EDIT: Rule(_r(ADMIN, STEWARD, EDITOR), EDITORS_REFUSAL),
    Action.ROTATION_EDIT: Rule(_r(ADMIN, STEWARD, EDITOR), EDITORS_REFUSAL),
    Action.STEWARD_EDIT: Rule(_r(ADMIN, STEWARD, EDITOR), EDITORS_REFUSAL),
    Action.SCHEDULE_EDIT: Rule(
        _r(VIEWER), "Only members of this channel can change its schedules."
    ),
}


def roles_of(actor: Actor, subject: Subject) -> frozenset[Role]:
    held = {Role.MEMBER}
    if subject.decider_id is not None and actor.user_id == subject.decider_id:
        held.add(Role.DECIDER)
    if subject.opener_id is not None and actor.user_id == subject.opener_id:
        held.add(Role.OPENER)
    if actor.started_poll:
        held.add(Role.POLL_STARTER)
    for flag, role in (
        (actor.is_admin, Role.ADMIN),
        (actor.is_steward, Role.STEWARD),
        (actor.is_charter_editor, Role.CHARTER_EDITOR),
        (actor.can_see, Role.VIEWER),
    ):
        if flag:
            held.add(role)
    return frozenset(held)


def allowed_roles(rule: Rule, subject: Subject) -> frozenset[Role]:
    if rule.widened_while is not None and rule.widened_while.holds(subject):
        return rule.roles | rule.widened_roles
    return rule.roles


def check(action: Action, actor: Actor, subject: Subject = TEAM) -> None:
    """Return if `actor` may do `action` to `subject`; raise NotAllowed saying why not."""
    rule = TABLE[action]
    if rule.statuses is not None and subject.status not in rule.statuses:
        _refuse(action, rule, subject, rule.status_refusal)
    for condition in rule.conditions:
        if not condition.holds(subject):
            _refuse(action, rule, subject, condition.refusal)
    if not roles_of(actor, subject) & allowed_roles(rule, subject):
        _refuse(action, rule, subject, rule.refusal)


def may(action: Action, actor: Actor, subject: Subject = TEAM) -> bool:
    try:
        check(action, actor, subject)
    except NotAllowed:
        return False
    return True


def _refuse(action: Action, rule: Rule, subject: Subject, template: str):
    needed = tuple(sorted(allowed_roles(rule, subject)))
    decider = f"<@{subject.decider_id}>" if subject.decider_id else None
    adopters = [decider, f"<@{subject.opener_id}> (who opened it)"]
    if subject.decider_id is None and subject.poll_starter:
        adopters.append(f"<@{subject.poll_starter}> (who started the poll)")
    words = {
        "title": subject.title,
        "status": subject.status.value,
        "decider": subject.decider_id,
        "opener": subject.opener_id,
        "poll_starter": subject.poll_starter,
        "decider_or": f"{decider} or" if decider else "",
        "decider_or_nobody": decider or "the decider",
        "adopters": " or ".join(dict.fromkeys(a for a in adopters if a)),
        "action": action.value,
        "what": subject.what,
        "editors": subject.editors,
    }
    message = " ".join(template.format(**words).split())
    raise NotAllowed(message, action=action.value, needed=needed)


def markdown_table() -> str:
    """The README's "Who may do what" table, made from TABLE."""
    lines = [
        "| Action | Who may | While the decision is | Only when |",
        "|---|---|---|---|",
    ]
    for action, rule in TABLE.items():
        who = ", ".join(sorted(rule.roles))
        if rule.widened_while is not None:
            extra = ", ".join(sorted(rule.widened_roles))
            who += f"; also {extra} while {rule.widened_while.label}"
        statuses = (
            "any"
            if rule.statuses is None
            else ", ".join(s.value for s in Status if s in rule.statuses)
        )
        only = ", ".join(c.label for c in rule.conditions) or "-"
        lines.append(f"| {action.value} | {who} | {statuses} | {only} |")
    return "\n".join(lines)


def about(
    decision,
    *,
    poll_open: bool = False,
    poll_starter: str | None = None,
    settled_by_poll: bool = False,
) -> Subject:
    """The permission facts of a stored decision (an app.db.models.Decision)."""
    return Subject(
        title=decision.title,
        status=decision.status,
        zone=decision.zone,
        decider_id=decision.decider_id,
        opener_id=decision.created_by,
        poll_open=poll_open,
        poll_starter=poll_starter,
        settled_by_poll=settled_by_poll,
    )
