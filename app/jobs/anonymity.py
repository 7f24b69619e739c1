"""Destroying the keys of anonymous flows that have closed (app.domain.anonymity)."""

from __future__ import annotations

from app import jobs
from app.domain import anonymity


def destroy_expired_keys() -> int:
    """Every retro whose answering time is over and every report window that has passed loses
    its key and the hashes made with it. Returns how many keys were destroyed."""
    context = jobs.installed()
    return anonymity.destroy_expired(context.sessions, context.clock.now())
