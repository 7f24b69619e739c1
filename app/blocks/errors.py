"""What a refusal from the domain says to the person: its sentence, people as mentions, typed
text shown literally. Pure."""

from __future__ import annotations

from app.blocks.text import escape, user
from app.domain.errors import DomainError, Fact, People, Person, UserText


def _fact(value: Fact) -> str:
    if isinstance(value, Person):
        return user(value.user_id)
    if isinstance(value, People):
        return ", ".join(user(u) for u in value.user_ids)
    if isinstance(value, UserText):
        return escape(value.text)
    return escape(str(value))


def _words(sentence: str, facts: dict[str, Fact]) -> str:
    if not facts:  # a sentence without placeholders may hold typed text: braces are not ours
        return escape(sentence)
    return escape(sentence).format_map({name: _fact(value) for name, value in facts.items()})


def describe(error: DomainError) -> str:
    """The mrkdwn the error handler shows for `error`."""
    sentences = getattr(error, "sentences", None) or {"": error.sentence}
    return "; ".join(_words(s, error.facts) for s in sentences.values())
