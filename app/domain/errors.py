"""Errors the domain raises; listeners turn them into plain words for the user."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the product said no; the message is safe to show to the user."""


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
    """Input that breaks a rule, with one message per field (keys are field names)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors
