"""Builders the composition root uses: Web API client, Bolt app, WSGI app.

Nothing here runs at import time; `app.cli` decides what to build and when.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from http.client import RemoteDisconnected
from typing import Literal
from urllib.error import URLError

from apscheduler.schedulers.base import BaseScheduler
from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from sqlalchemy import Engine

from app import jobs, web
from app.config import Mode, Settings
from app.db.engine import make_engine, make_session_factory
from app.db.migrate import upgrade
from app.domain.clock import Clock, SystemClock
from app.executor import TrackedExecutor
from app.installs import OAuth, TeamClients, forget_org, forget_team, make_oauth
from app.jobs.front_door import schedule_sweep
from app.jobs.leader import Leadership
from app.jobs.scheduler import make_scheduler
from app.jobs.sweeps import run_due
from app.listeners import register_all
from app.listeners.deps import Deps
from app.posting.pace import HEADROOM, TeamPacers
from app.web import WSGIApp

log = logging.getLogger(__name__)
RETRIED_CONNECTION_ERRORS = [URLError, ConnectionResetError, RemoteDisconnected, TimeoutError]


def make_web_client(settings: Settings, token: str | None = None) -> WebClient:
    """The client every Web API call goes through, with slack_sdk's own retry handlers."""
    if token is None and settings.slack_bot_token is not None:
        token = settings.slack_bot_token.get_secret_value()
    return WebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=15,
        retry_handlers=[
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
            # Read timeouts too: a request that timed out is retried like a reset connection.
            ConnectionErrorRetryHandler(max_retry_count=2, error_types=RETRIED_CONNECTION_ERRORS),
        ],
    )


def make_bolt_app(
    settings: Settings,
    deps: Deps,
    mode: Mode,
    executor: TrackedExecutor | None = None,
    oauth: OAuth | None = None,
) -> App:
    """One Bolt app. With `oauth`, each request's client carries its own team's bot token
    (Bolt's InstallationStoreAuthorize) and /slack/install and /slack/oauth_redirect work."""
    signing_secret = settings.slack_signing_secret
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    app = App(
        token=None if oauth else token,
        # With OAuth the app-level client has no token: Bolt gives each request a copy with
        # the token of the team it came from.
        client=make_web_client(settings, token="" if oauth else None),
        authorize=oauth.authorize if oauth else None,
        oauth_settings=oauth.settings if oauth else None,
        signing_secret=signing_secret.get_secret_value() if signing_secret else "",
        request_verification_enabled=mode == "http",
        token_verification_enabled=True,
        raise_error_for_unhandled_request=False,
        logger=logging.getLogger("slack_bolt"),
        listener_executor=executor or TrackedExecutor(),
    )
    register_all(app, deps)
    return app


@dataclass
class Runtime:
    """One process's wiring: the engine, the dependencies of listeners, and the Bolt app."""

    settings: Settings
    engine: Engine
    deps: Deps
    bolt: App
    executor: TrackedExecutor
    scheduler: BaseScheduler | None = None
    leadership: Leadership | None = None
    oauth: OAuth | None = None

    def settle(self, timeout: float = 10.0) -> None:
        """Wait until every listener has finished what it started after ack()."""
        self.executor.wait_idle(timeout)

    def close(self) -> None:
        if self.leadership is not None:
            self.leadership.stop()
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        self.executor.shutdown(wait=True)
        self.engine.dispose()


def build_runtime(
    settings: Settings,
    mode: Mode,
    *,
    clock: Clock | None = None,
    migrate: bool = True,
    scheduler: bool | Literal["paused", "elect"] = False,
) -> Runtime:
    """Wire one process. `scheduler` starts the APScheduler that runs scheduled work ("paused"
    persists jobs without running them: tests; "elect" runs it only while this process holds
    the PostgreSQL scheduler lock, app.jobs.leader). Either way start-up runs what is overdue."""
    settings.require(mode)
    engine = make_engine(settings.database_url)
    if migrate:
        upgrade(engine)
    jobs_scheduler = make_scheduler(engine) if scheduler else None
    oauth = make_oauth(settings, engine) if mode == "http" and settings.oauth_enabled else None
    deps = Deps(
        sessions=make_session_factory(engine),
        clock=clock or SystemClock(),
        api_url=settings.slack_api_url,
        scheduler=jobs_scheduler,
        review_days=settings.outcome_review_days,
        forget_install=_forgetter(oauth),
        forget_org=_org_forgetter(oauth),
        remember_workspace=oauth.orgs.remember if oauth else None,
    )
    # Job functions find their dependencies here; install before any job can fire.
    jobs.install(
        jobs.JobContext(
            deps.sessions,
            None if oauth else make_web_client(settings),
            deps.clock,
            scheduler=jobs_scheduler,
            outcome_review_days=settings.outcome_review_days,
            team_clients=_team_clients(settings, oauth),
            pacers=TeamPacers(settings.slack_posts_per_second * HEADROOM),
        )
    )
    run_due()  # whatever fell due while the bot was down
    leadership = None
    if jobs_scheduler is not None and scheduler == "elect":
        leadership = Leadership(
            engine,
            jobs_scheduler,
            lambda: _lead(jobs_scheduler, settings.scheduler_sweep_seconds),
            retry=settings.scheduler_retry_seconds,
        ).start()
    elif jobs_scheduler is not None:
        jobs_scheduler.start(paused=scheduler == "paused")
        schedule_sweep(jobs_scheduler, settings.scheduler_sweep_seconds)
    executor = TrackedExecutor()
    bolt = make_bolt_app(settings, deps, mode, executor, oauth)
    return Runtime(settings, engine, deps, bolt, executor, jobs_scheduler, leadership, oauth)


def _team_clients(settings: Settings, oauth: OAuth | None) -> TeamClients | None:
    if oauth is None:
        return None
    secret = settings.slack_client_secret
    return TeamClients(
        oauth.installations,
        lambda token: make_web_client(settings, token=token or ""),
        settings.slack_client_id or "",
        secret.get_secret_value() if secret else "",
        oauth.orgs,
    )


def _forgetter(oauth: OAuth | None) -> Callable[[str], None] | None:
    if oauth is None:
        return None
    return lambda team_id: forget_team(oauth.installations, team_id, oauth.authorize)


def _org_forgetter(oauth: OAuth | None) -> Callable[[str], list[str]] | None:
    if oauth is None:
        return None
    return lambda org: forget_org(oauth.installations, oauth.orgs, org, oauth.authorize)


def _lead(scheduler: BaseScheduler, sweep_seconds: int) -> None:
    """A new leader: keep the minute sweep, and run everything due during the handover now."""
    schedule_sweep(scheduler, sweep_seconds)
    run_due()


def make_socket_mode_handler(runtime: Runtime):
    """Socket Mode: the same Bolt app and listeners, reached over Slack's WebSocket."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    app_token = runtime.settings.slack_app_token
    if app_token is None:
        raise ValueError("Socket Mode needs SLACK_APP_TOKEN")
    token = app_token.get_secret_value()
    return SocketModeHandler(
        runtime.bolt, token, web_client=make_web_client(runtime.settings, token=token)
    )


def make_wsgi_app(runtime: Runtime) -> WSGIApp:
    """POST /slack/events goes to Bolt; GET /healthz says whether the database answers."""
    secret = runtime.settings.slack_signing_secret
    return web.make_wsgi_app(
        runtime.bolt, runtime.engine, secret.get_secret_value() if secret else ""
    )
