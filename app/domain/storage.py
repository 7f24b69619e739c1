"""The database as listeners see it through the domain: the session factory's type, the side
reads' (handed on to the figures, never used by a listener itself), and what kind of failure an
error is, so the error handler can word it without importing sqlalchemy."""

from __future__ import annotations

import enum

from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from app.db.side_reads import SideReads

Sessions = sessionmaker[Session]  # what listeners get: a factory, never an open session
__all__ = ["Sessions", "SideReads", "StorageFailure", "storage_failure"]


class StorageFailure(enum.Enum):
    UNAVAILABLE = "unavailable"  # the database did not answer: nothing was saved
    FAILED = "failed"  # it answered with an error: nothing was saved either


def storage_failure(error: BaseException) -> StorageFailure | None:
    """The database failure behind this error, or None when it is not a database error."""
    if isinstance(error, OperationalError):
        return StorageFailure.UNAVAILABLE
    if isinstance(error, SQLAlchemyError):
        return StorageFailure.FAILED
    return None
