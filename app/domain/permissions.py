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
import string
from collections.abc import Callable
from dataclasses import dataclass

from app.domain.errors import Fact, NotAllowed, People, Person, UserText
from app.vocabulary import Action, Status, Zone

RESOLVABLE = frozenset({Status.OPEN, Status.ESCALATED})


class Role(enum.StrEnum):
    DECIDER = "decider"
    OPENER = "opener"
    ADMIN = "admin"
    STEWARD = "steward"
    CHARTER_EDITOR = "charter editor"
    POLL_STARTER = "poll starter"
    OBJECTOR = "objector"
    SCHEDULE_SETTER = "who set the schedule"
    VIEWER = "anyone in its channel"
    FORECASTER = "the forecast's author"
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
    default, with `what` naming the part being changed, and `editor_ids`, `steward_id` and
    `steward_rotates` saying who besides admins may change it (for the refusal's words)."""

    title: str = ""
    status: Status = Status.OPEN
    zone: Zone = Zone.LOCAL
    decider_id: str | None = None
    opener_id: str | None = None
    poll_open: bool = False
    poll_starter: str | None = None
    settled_by_poll: bool = False  # the decider is the one an earlier poll chose
    what: str = ""
    editor_ids: tuple[str, ...] = ()
    steward_id: str | None = None
    steward_rotates: bool = False
    objector_id: str | None = None  # who objected in a consensus check
    setter_id: str | None = None  # who set a channel's schedule; None while none is set
    forecast_by: str | None = None  # who stated the decision's (private) forecast


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
    "{decider} already decides “{title}”.",
)
NOT_SETTLED_BY_POLL = Condition(
    "no earlier poll chose the decider",
    lambda s: not s.settled_by_poll,
    "An earlier poll already chose {decider} to decide “{title}”.",
)
NO_SCHEDULE = Condition(
    "none is set yet",
    lambda s: s.setter_id is None,
    "A {what} is already set here.",
)
HAS_FORECAST = Condition(
    "it has a forecast",
    lambda s: s.forecast_by is not None,
    "“{title}” has no forecast to share.",
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
CORRECTORS_REFUSAL = "Only {decider_or} {opener} (who opened it) or an admin can {doing}."

TABLE: dict[Action, Rule] = {
    Action.DECLARE: Rule(_r(MEMBER), "Only members of this workspace can declare decisions."),
    Action.RECORD_RESOLUTION: Rule(
        _r(DECIDER, OPENER),
        "Only the decider or the person who opened this decision can record its resolution: "
        "{decider_or} {opener} (who opened it).",
        RESOLVABLE,
    ),
    Action.RECORD_OUTCOME: Rule(
        _r(DECIDER, OPENER),
        "Only {decider}, who decided “{title}”, can say how it turned out.",
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
        "Only {decider} or a workspace admin can return “{title}” to the local zone.",
        frozenset({Status.ESCALATED}),
    ),
    Action.CONSENSUS_CHECK: Rule(
        _r(VIEWER), "Only people who can see “{title}” can ask.", RESOLVABLE, (HAS_DECIDER,)
    ),
    Action.OBJECT: Rule(_r(VIEWER), "Only people who can see “{title}” can answer.", RESOLVABLE),
    Action.WITHDRAW_OBJECTION: Rule(
        _r(Role.OBJECTOR), "Only {objector}, who objected, can withdraw the objection."
    ),
    Action.POLL_START: Rule(
        _r(DECIDER, OPENER, ADMIN),
        "An earlier poll already chose {decider} to decide “{title}”; only they, "
        "{opener} (who opened it) or an admin can ask the team again.",
        RESOLVABLE,
        (NO_POLL_OPEN,),
        widened_roles=_r(VIEWER),
        widened_while=NOT_SETTLED_BY_POLL,
    ),
    Action.POLL_CLOSE: Rule(
        _r(POLL_STARTER), "Only {poll_starter}, who started this poll, can close it early."
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
        _r(OPENER),
        "Only {opener}, who opened “{title}”, can apply its tiebreaker.",
        RESOLVABLE,
        (NO_DECIDER,),  # a tiebreaker names a decider; it never replaces one
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
    Action.REASSIGN: Rule(
        _r(DECIDER, ADMIN),
        "Only {decider} (who decides it) or an admin can hand “{title}” on.",
        RESOLVABLE,
        widened_roles=_r(OPENER),
        widened_while=NO_DECIDER,
    ),
    Action.EDIT: Rule(_r(DECIDER, OPENER, ADMIN), CORRECTORS_REFUSAL, RESOLVABLE),
    Action.CHARTER_EDIT: Rule(_r(ADMIN, STEWARD, EDITOR), EDITORS_REFUSAL),
    Action.VALUES_EDIT: Rule(_r(ADMIN, STEWARD, EDITOR), EDITORS_REFUSAL),
    Action.ROTATION_EDIT: Rule(_r(ADMIN, STEWARD, EDITOR), EDITORS_REFUSAL),
    Action.STEWARD_EDIT: Rule(_r(ADMIN, STEWARD, EDITOR), EDITORS_REFUSAL),
    Action.CANVAS_CREATE: Rule(
        _r(ADMIN),
        "Only workspace admins and owners can put the charter in a channel canvas. Ask one of "
        "them; once it exists it follows every change of the charter by itself.",
    ),
    Action.SCHEDULE_EDIT: Rule(
        _r(Role.SCHEDULE_SETTER, ADMIN),
        "Only {setter} (who set it) or a workspace admin can change or remove the {what} here.",
        widened_roles=_r(VIEWER),
        widened_while=NO_SCHEDULE,
    ),
    # A forecast is private to its author until they share it: nobody else, admins included.
    Action.SHARE_FORECAST: Rule(
        _r(Role.FORECASTER),
        "Only the person who made a forecast on “{title}” can share it.",
        None,
        (HAS_FORECAST,),
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
    if subject.objector_id is not None and actor.user_id == subject.objector_id:
        held.add(Role.OBJECTOR)
    if subject.setter_id is not None and actor.user_id == subject.setter_id:
        held.add(Role.SCHEDULE_SETTER)
    if subject.forecast_by is not None and actor.user_id == subject.forecast_by:
        held.add(Role.FORECASTER)
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
    """Raise NotAllowed with the template as a sentence without markup: people are Person
    facts and the title is UserText (app.domain.errors), so a refusal can never ping."""
    sentence = (
        template.replace("{decider_or}", "{decider} or" if subject.decider_id else "")
        .replace("{adopters}", _adopters(subject))
        .replace("{editors}", _editors(subject))
    )
    sentence = " ".join(sentence.split())
    facts: dict[str, Fact] = {
        "title": UserText(subject.title),
        "status": subject.status.value,
        "decider": _person(subject.decider_id, "the decider"),
        "opener": _person(subject.opener_id, "the person who opened it"),
        "poll_starter": _person(subject.poll_starter, "the person who started it"),
        "editor_ids": People(subject.editor_ids),
        "steward": _person(subject.steward_id, "the steward"),
        "objector": _person(subject.objector_id, "the person who objected"),
        "setter": _person(subject.setter_id, "the person who set it"),
        "doing": action.value,
        "what": subject.what,
    }
    used = {name for _, name, _, _ in string.Formatter().parse(sentence) if name}
    raise NotAllowed(
        sentence,
        action=action.value,
        needed=tuple(sorted(allowed_roles(rule, subject))),
        **{name: facts[name] for name in sorted(used)},
    )


def _person(user_id: str | None, otherwise: str) -> Fact:
    return Person(user_id) if user_id else otherwise


def _adopters(subject: Subject) -> str:
    """Who may settle a poll's result, as placeholders: "{decider} or {opener} (…)"."""
    named = [
        (subject.decider_id, "{decider}"),
        (subject.opener_id, "{opener} (who opened it)"),
    ]
    if subject.decider_id is None:
        named.append((subject.poll_starter, "{poll_starter} (who started the poll)"))
    seen: set[str] = set()
    shown = []
    for user_id, words in named:
        if user_id and user_id not in seen:  # each person once, by their first title
            seen.add(user_id)
            shown.append(words)
    return " or ".join(shown)


def _editors(subject: Subject) -> str:
    """Who may tend the charter, as placeholders, the steward included."""
    editors = (
        "{editor_ids} and workspace admins" if subject.editor_ids else "workspace admins and owners"
    )
    if subject.steward_id:
        return editors + " (and the steward, {steward})"
    return editors + " (and the steward)" if subject.steward_rotates else editors


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
        forecast_by=decision.forecast_by if decision.forecast_confidence is not None else None,
    )
