"""Errors the domain raises; listeners turn them into plain words for the user."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the product said no; the message is safe to show to the user."""


class NotFound(DomainError):
    pass


class NotAllowed(DomainError):
    """Refused by a rule. `action` and `needed` (the roles that would have been enough) say
    which rule, for logs and tests; the message says it in words."""

    def __init__(
        self, message: str, *, action: str | None = None, needed: tuple[str, ...] = ()
    ) -> None:
        super().__init__(message)
        self.action = action
        self.needed = needed


class InvalidInput(DomainError):
    """Input that breaks a rule, with one message per field (keys are field names)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors
