"""Scheduled work, and the registry job functions find their dependencies in.

APScheduler persists a job as a *reference* to a module-level function plus picklable
arguments, never as live objects: a session factory, a Web API client or a clock cannot be
pickled into the job table, and after a restart the old ones would not exist anyway. So the
composition root calls `install(...)` once per process, and job functions (app.jobs.polls)
look their dependencies up here at run time.

Code outside app.jobs adds and removes jobs only through app.jobs.front_door.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from apscheduler.schedulers.base import BaseScheduler
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from app.domain.clock import Clock
from app.posting.pace import TeamPacers
from app.posting.people import People
from app.posting.permalinks import WorkspaceUrls

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobContext:
    sessions: sessionmaker[Session]
    client: WebClient | None
    clock: Clock
    scheduler: BaseScheduler | None = None
    outcome_review_days: int = 14
    # With OAuth installs each team has its own bot token: jobs post for many teams, so they
    # ask for the team's client (app.installs.TeamClients) instead of using one global client.
    team_clients: Callable[[str], WebClient] | None = None
    # Paces scheduled posts to each workspace's rate (shared by the sweep's threads).
    pacers: TeamPacers | None = None
    # The process's caches in front of users.info and auth.test, shared with the listeners.
    people: People | None = None
    urls: WorkspaceUrls | None = None
    # True where post workers run (app.jobs.post_workers): sweeps then only queue due posts.
    post_workers: bool = False

    def pace(self, team_id: str) -> Callable[[], None] | None:
        return self.pacers.for_team(team_id).wait if self.pacers is not None else None

    def client_for(self, team_id: str) -> WebClient:
        if self.team_clients is not None:
            return self.team_clients(team_id)
        if self.client is None:
            raise RuntimeError("no Web API client: set SLACK_BOT_TOKEN or configure OAuth")
        return self.client


_installed: JobContext | None = None


def install(context: JobContext) -> None:
    global _installed
    _installed = context


def installed() -> JobContext:
    if _installed is None:
        raise RuntimeError("app.jobs.install() was not called by the composition root")
    return _installed
