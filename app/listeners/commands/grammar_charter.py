"""The words of `/decide rotation|charter|values|steward|feedback`. Pure, like grammar.py.

Mentions arrive escaped (`<@U123|name>`); a plain `@name` that Slack did not turn into a link is
refused, because there is no telling who it means.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date

from app.domain import rotations
from app.domain.errors import InvalidInput

_USER = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
ROTATION_EXAMPLE = "`/decide rotation oncall @alice @bob @carol every 2w starting 2027-03-01`"
ADJUST_EXAMPLE = (
    "`/decide rotation oncall skip`, `/decide rotation oncall swap @alice @bob` or "
    "`/decide rotation oncall away @alice until 2027-03-15`"
)
STEWARD_EXAMPLE = "`/decide steward @alice every quarter` or `/decide steward rotation oncall`"


@dataclass(frozen=True)
class ShowRotations:
    pass


@dataclass(frozen=True)
class SetRotation:
    name: str
    members: tuple[str, ...]
    period_days: int
    start: date | None = None


@dataclass(frozen=True)
class AdjustRotation:
    name: str | None  # None: the channel's only rotation
    kind: str  # skip | swap | away
    users: tuple[str, ...] = ()
    until: date | None = None


@dataclass(frozen=True)
class ShowCharter:
    pass


@dataclass(frozen=True)
class CharterCanvas:
    """`/decide charter canvas`: this channel's canvas mirrors the charter from now on."""


@dataclass(frozen=True)
class EditValues:
    pass


@dataclass(frozen=True)
class ShowSteward:
    pass


@dataclass(frozen=True)
class SetSteward:
    user_id: str | None = None
    rotation: str | None = None
    every: str | None = None


@dataclass(frozen=True)
class OpenFeedback:
    pass


WORDS = ("rotation", "charter", "values", "steward", "feedback")
Intent = (
    ShowRotations
    | SetRotation
    | AdjustRotation
    | ShowCharter
    | CharterCanvas
    | EditValues
    | ShowSteward
    | SetSteward
    | OpenFeedback
)


class Refused(Exception):
    """What was wrong with the words, with a valid example; grammar.py turns it into a Problem."""


def _user(word: str, example: str) -> str:
    match = _USER.match(word)
    if match:
        return match.group(1)
    if word.startswith("@"):
        raise Refused(
            f"I couldn't tell who “{word[:40]}” is. Pick people from Slack's autocomplete so the "
            f"mention turns into a link: {example}."
        )
    raise Refused(f"I expected a person where you wrote “{word[:40]}”: {example}.")


def _date(word: str, example: str) -> date:
    try:
        return date.fromisoformat(word)
    except ValueError:
        raise Refused(f"I can't read “{word[:20]}” as a date (YYYY-MM-DD): {example}.") from None


def rotation(text: str):
    words = html.unescape(text).split()
    if not words:
        return ShowRotations()
    name, rest = words[0].lower(), words[1:]
    if name.startswith("<@") or name.startswith("@"):
        raise Refused(f"Name the rotation first, then its people: {ROTATION_EXAMPLE}.")
    if adjustment := _adjustment(name, rest):
        return adjustment
    members: list[str] = []
    while rest and rest[0].lower() != "every":
        members.append(_user(rest.pop(0), ROTATION_EXAMPLE))
    if not rest:
        raise Refused(f"Say how often the lead changes: {ROTATION_EXAMPLE}.")
    rest.pop(0)
    if not rest:
        raise Refused(f"Say how often the lead changes: {ROTATION_EXAMPLE}.")
    try:
        rotations.check_members(members)
        days = rotations.parse_every(rest.pop(0))
    except InvalidInput as exc:
        raise Refused(f"{exc} For example: {ROTATION_EXAMPLE}.") from None
    start = None
    if rest and rest[0].lower() == "starting" and len(rest) == 2:
        start = _date(rest[1], ROTATION_EXAMPLE)
    elif rest:
        raise Refused(f"I don't understand “{' '.join(rest)[:60]}”: {ROTATION_EXAMPLE}.")
    return SetRotation(name, tuple(members), days, start)


ADJUSTMENTS = ("skip", "swap", "away")


def _adjustment(name: str, rest: list[str]) -> AdjustRotation | None:
    """`oncall skip`, or `skip` alone (the channel's only rotation); None when not one."""
    if rest and rest[0].lower() in ADJUSTMENTS:
        return _adjust(name, rest[0].lower(), rest[1:])
    if name in ADJUSTMENTS:
        return _adjust(None, name, rest)
    return None


def _adjust(name: str | None, kind: str, rest: list[str]) -> AdjustRotation:
    if kind == "skip" and not rest:
        return AdjustRotation(name, "skip")
    if kind == "swap" and len(rest) == 2:
        return AdjustRotation(name, "swap", tuple(_user(w, ADJUST_EXAMPLE) for w in rest))
    if kind == "away" and len(rest) == 3 and rest[1].lower() == "until":
        user = _user(rest[0], ADJUST_EXAMPLE)
        return AdjustRotation(name, "away", (user,), _date(rest[2], ADJUST_EXAMPLE))
    raise Refused(f"That's not how to {kind} in a rotation. Try {ADJUST_EXAMPLE}.")


def steward(text: str):
    words = html.unescape(text).split()
    if not words:
        return ShowSteward()
    if words[0].lower() == "rotation":
        if len(words) != 2:
            raise Refused(f"Name one rotation: {STEWARD_EXAMPLE}.")
        return SetSteward(rotation=words[1].lower())
    user = _user(words[0], STEWARD_EXAMPLE)
    rest = [w.lower() for w in words[1:]]
    if not rest:
        return SetSteward(user_id=user)
    if rest == ["every", "quarter"]:
        return SetSteward(user_id=user, every="quarter")
    raise Refused(f"I don't understand “{' '.join(words[1:])[:60]}”: {STEWARD_EXAMPLE}.")


def parse(word: str, rest: str):
    """The intent for one of this module's words, or Refused."""
    if word == "rotation":
        return rotation(rest)
    if word == "steward":
        return steward(rest)
    if word == "charter" and rest.strip().lower() == "canvas":
        return CharterCanvas()
    if word == "charter" and rest.strip():
        raise Refused(
            "`/decide charter` shows the charter; `/decide charter canvas` puts it in this "
            "channel's canvas and keeps it current. Nothing else follows `charter`."
        )
    if rest.strip():
        raise Refused(f"`/decide {word}` takes no words after it; it opens a form.")
    return {"charter": ShowCharter, "values": EditValues, "feedback": OpenFeedback}[word]()
