"""The words of `/decide edit|handoff|cancel|reopen|supersede|escalate <number> …`. Pure, like
grammar.py.

A word of these is a subcommand only when a decision's number follows it (`12` or `#12`), or
nothing does: "/decide cancel the offsite @bob" still declares a decision titled so.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from app.domain.decisions import TITLE_MAX

WORDS = ("edit", "handoff", "cancel", "reopen", "supersede", "escalate")
EXAMPLES = {
    "edit": "`/decide edit 12`",
    "handoff": "`/decide handoff 12 @carol Knows the billing code best`",
    "cancel": "`/decide cancel 12 Duplicate of #9`",
    "reopen": "`/decide reopen 12 The vendor doubled its price`",
    "supersede": "`/decide supersede 12 Move billing to Postgres @bob`",
    "escalate": "`/decide escalate 12 It touches customer data`",
}
_NUMBER = re.compile(r"^#?(\d{1,9})$")
_USER = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_TRAILING_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>\s*$")
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_MARKUP = re.compile(r"<(?:#[CG][A-Z0-9]+|!)[^>]*>")


@dataclass(frozen=True)
class EditDecision:
    decision_id: int


@dataclass(frozen=True)
class HandOn:
    decision_id: int
    decider_id: str
    reason: str = ""


@dataclass(frozen=True)
class CancelDecision:
    decision_id: int
    reason: str


@dataclass(frozen=True)
class ReopenDecision:
    decision_id: int
    reason: str


@dataclass(frozen=True)
class EscalateDecision:
    """Run in the card's channel: escalation is a voice for those who can see the card."""

    decision_id: int
    reason: str


@dataclass(frozen=True)
class SupersedeDecision:
    """With no title, the supersede form opens prefilled with the old title."""

    decision_id: int
    title: str = ""
    decider_id: str | None = None


Intent = (
    EditDecision | HandOn | CancelDecision | ReopenDecision | SupersedeDecision | EscalateDecision
)
WITH_REASON = {"cancel": CancelDecision, "reopen": ReopenDecision, "escalate": EscalateDecision}


class Refused(Exception):
    """What was wrong with the words, with an example; grammar.py turns it into a Problem."""


def applies(word: str, rest: str) -> bool:
    """Whether `/decide <word> <rest>` is one of these subcommands rather than a title."""
    if word not in WORDS:
        return False
    first = rest.split(maxsplit=1)[0] if rest.strip() else ""
    return not first or bool(_NUMBER.match(first))


def _text(text: str) -> str:
    """A reason or title as typed: channel and broadcast markup shown as words, mentions kept."""
    text = _MARKUP.sub(lambda m: m.group(0)[1:-1].split("|")[-1], text)
    return " ".join(html.unescape(text).split())


def parse(word: str, rest: str) -> Intent:
    example = EXAMPLES[word]
    number, _, tail = rest.strip().partition(" ")
    match = _NUMBER.match(number)
    if not match:
        raise Refused(f"Say which decision, by its number (it is on its card): {example}.")
    decision_id, tail = int(match.group(1)), tail.strip()
    if word == "edit":
        if tail:
            raise Refused(f"`/decide edit` takes only the number and opens the form: {example}.")
        return EditDecision(decision_id)
    if word in WITH_REASON:
        reason = _text(tail)
        if not reason:
            raise Refused(f"Say why, after the number: {example}.")
        return WITH_REASON[word](decision_id, reason)
    if word == "handoff":
        return _handoff(decision_id, tail, example)
    return _supersede(decision_id, tail, example)


def _handoff(decision_id: int, tail: str, example: str) -> HandOn:
    who, _, reason = tail.partition(" ")
    person = _USER.match(who)
    if not person:
        raise Refused(
            f"Name the new decider right after the number, picked from Slack's "
            f"autocomplete: {example}."
        )
    return HandOn(decision_id, person.group(1), _text(reason))


def _supersede(decision_id: int, tail: str, example: str) -> SupersedeDecision:
    decider = None
    if found := _TRAILING_USER.search(tail):
        decider, tail = found.group(1), tail[: found.start()]
    title = _text(tail)
    if _MENTION.search(title):
        raise Refused(f"Name one decider, at the end: {example}.")
    if len(title) > TITLE_MAX:
        raise Refused(f"Keep the new title to {TITLE_MAX} characters: {example}.")
    if decider and not title:
        raise Refused(f"Say what the new decision is before naming its decider: {example}.")
    return SupersedeDecision(decision_id, title, decider)
