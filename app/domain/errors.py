"""Errors the domain raises: what kind of no (the class), which rule (the sentence) and the facts
it is about (who, which decision). app.blocks.errors.describe() turns them into Slack text.

The sentence carries no Slack markup: people are `Person`/`People` facts and what someone typed
is a `UserText` fact, named by `{placeholders}`. Blocks make the mentions and escape the typed
text, so a title like "<!channel>" can never ping through an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    """Someone a refusal names, by Slack user id."""

    user_id: str

    def __str__(self) -> str:  # the log form; people see describe()'s mention
        return f"<@{self.user_id}>"


@dataclass(frozen=True)
class People:
    """Several people a refusal names, in order."""

    user_ids: tuple[str, ...]

    def __str__(self) -> str:
        return ", ".join(str(Person(u)) for u in self.user_ids)


@dataclass(frozen=True)
class UserText:
    """Something a person typed (a title, a name): shown literally, never as markup."""

    text: str

    def __str__(self) -> str:
        return self.text


Fact = Person | People | UserText | str | int


def _fill(sentence: str, facts: Mapping[str, Fact]) -> str:
    return sentence.format_map({k: str(v) for k, v in facts.items()}) if facts else sentence


class DomainError(Exception):
    """A rule of the product said no. `sentence` is plain words with `{placeholders}` for
    `facts`; str() fills them in for logs."""

    def __init__(self, sentence: str = "", /, **facts: Fact) -> None:
        self.sentence = sentence
        self.facts: dict[str, Fact] = facts
        super().__init__(_fill(sentence, facts))


class NotFound(DomainError):
    pass


class NotAllowed(DomainError):
    pass


class AlreadyDone(DomainError):
    """The same request, delivered more than once at the same moment, took effect in another
    delivery: this one changes nothing (its transaction is rolled back)."""

    def __init__(self) -> None:
        super().__init__("That was already done; nothing changed.")


class InvalidInput(DomainError):
    """Input that breaks a rule, with one sentence per field (keys are field names); the facts
    are shared by the sentences."""

    def __init__(self, sentences: dict[str, str], /, **facts: Fact) -> None:
        self.sentences = sentences
        self.errors = {field: _fill(s, facts) for field, s in sentences.items()}
        super().__init__("; ".join(sentences.values()), **facts)
