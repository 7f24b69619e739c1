"""Small readers shared by the listener tests: rows in the database, messages in the stand-in."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.db.models import Decision
from tests.e2e.conftest import ALICE, GENERAL
from tests.listeners.conftest import InProcessWorkspace


def decisions_in(slack: InProcessWorkspace) -> list[Decision]:
    with slack.sessions() as session:
        return list(session.scalars(select(Decision).order_by(Decision.id)))


def declare(slack: InProcessWorkspace, text: str = "Pick the billing database <@U0BOB|bob>"):
    """Declare a decision by command and return its card as the stand-in stores it."""
    assert slack.command(ALICE, GENERAL, text).status == 200
    return slack.latest_message(GENERAL)


def v(value: Any) -> dict[str, Any]:
    return {"value": value}
