"""Builders the composition root uses: Bolt app, runtime, Socket Mode handler, WSGI app.

Nothing here runs at import time; `app.cli` decides what to build and when.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from apscheduler.schedulers.base import BaseScheduler
from slack_bolt import App
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from sqlalchemy import Engine

from app import anonymous_logging, jobs, web
from app.config import Mode, Settings, SettingsError
from app.db.engine import make_engine, make_session_factory
from app.db.side_reads import side_reads_for
from app.domain.clock import Clock, SystemClock
from app.domain.names import NameMemo
from app.domain.team_cache import TeamCache
from app.executor import TrackedExecutor
from app.installs import OAuth, TeamClients, forget_org, forget_team, make_oauth
from app.jobs.front_door import schedule_sweep
from app.jobs.leader import Leadership
from app.jobs.post_workers import PostWorkers
from app.jobs.scheduler import make_scheduler
from app.jobs.sweeps import run_due
from app.listeners import register_all
from app.listeners.deps import Deps
from app.listeners.forms import FormSeal, derive_key
from app.posting.pace import HEADROOM, TeamPacers
from app.posting.people import People
from app.posting.permalinks import WorkspaceUrls
from app.preflight import QUIET, check_setup, open_socket_url
from app.slack_client import make_web_client
from app.web import WSGIApp

log = logging.getLogger(__name__)


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
    logging.getLogger("slack_bolt").addFilter(_not_env_token_notice)
    app = App(
        name="deference-bot",  # without a name Bolt reads the whole call stack (inspect.stack)
        # The client carries the bot token. With OAuth the app-level client has no token:
        # Bolt gives each request a copy with the token of the team it came from.
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


def _not_env_token_notice(record: logging.LogRecord) -> bool:
    """Bolt reads SLACK_BOT_TOKEN from the environment by itself, then warns that the client's
    token wins. Settings read that same variable, so the two are one token: nothing to warn."""
    return record.getMessage() != warning_client_prioritized_and_token_skipped()


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
    scheduling: bool | Literal["paused", "elect"] = False
    post_workers: PostWorkers | None = None

    def start(self) -> None:
        """Run what fell due while the bot was down, then start scheduled work (if any)."""
        run_due()
        jobs_scheduler, sweep = self.scheduler, self.settings.scheduler_sweep_seconds
        if self.scheduling == "elect":
            # Every serving process posts what the elected scheduler queues.
            self.post_workers = PostWorkers().start()
        if jobs_scheduler is not None and self.scheduling == "elect":
            self.leadership = Leadership(
                self.engine,
                jobs_scheduler,
                lambda: _lead(jobs_scheduler, sweep),
                retry=self.settings.scheduler_retry_seconds,
            ).start()
        elif jobs_scheduler is not None:
            jobs_scheduler.start(paused=self.scheduling == "paused")
            schedule_sweep(jobs_scheduler, sweep)

    def settle(self, timeout: float = 10.0) -> None:
        """Wait until every listener has finished what it started after ack()."""
        self.executor.wait_idle(timeout)

    def close(self) -> None:
        if self.leadership is not None:
            self.leadership.stop()
        if self.post_workers is not None:
            self.post_workers.stop()
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        self.executor.shutdown(wait=True)
        if self.deps.side_reads is not None:
            self.deps.side_reads.close()  # after the listeners that may be waiting on them
        self.engine.dispose()


def build_runtime(
    settings: Settings,
    mode: Mode,
    *,
    clock: Clock | None = None,
    migrate: bool = True,
    scheduler: bool | Literal["paused", "elect"] = False,
    start: bool = True,
) -> Runtime:
    """Wire one process. `scheduler` starts the APScheduler that runs scheduled work ("paused"
    persists jobs without running them: tests; "elect" runs it only while this process holds
    the PostgreSQL scheduler lock, app.jobs.leader). Either way start-up runs what is overdue.
    With `start=False` nothing runs until `Runtime.start()`: the caller checks more first.
    A setup mistake (database, bot token, Slack unreachable) is a SettingsError, raised before
    anything starts."""
    settings.require(mode)
    anonymous_logging.install()
    engine = make_engine(settings.database_url)
    try:
        check_setup(settings, engine)
    except SettingsError:
        engine.dispose()
        raise
    if migrate:
        from app.db.migrate import upgrade  # Alembic: only where migrations run (issue 17)

        upgrade(engine)
    jobs_scheduler = make_scheduler(engine) if scheduler else None
    oauth = make_oauth(settings, engine) if mode == "http" and settings.oauth_enabled else None
    sessions = make_session_factory(engine)
    clock = clock or SystemClock()
    names = NameMemo(sessions, clock)
    # Every person the cache fetches from users.info (or a user_change pushes) is also
    # noted in the names store, for exports (app.domain.names).
    people, urls = People(clock, on_seen=names.saw_profile), WorkspaceUrls()
    team_views = TeamCache()
    team_views.watch(sessions)
    # On PostgreSQL, a pool of its own for the figures' reads run side by side (a request that
    # waits on them holds a request connection meanwhile; app.db.side_reads).
    side_reads = side_reads_for(settings.database_url)
    deps = Deps(
        sessions=sessions,
        clock=clock,
        api_url=settings.slack_api_url,
        scheduler=jobs_scheduler,
        review_days=settings.outcome_review_days,
        forget_install=_forgetter(oauth),
        forget_org=_org_forgetter(oauth),
        remember_workspace=oauth.orgs.remember if oauth else None,
        forms=FormSeal(derive_key(_form_secret(settings))),
        names=names,
        people=people,
        urls=urls,
        team_views=team_views,
        side_reads=side_reads,
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
            people=people,
            urls=urls,
            post_workers=scheduler == "elect",
        )
    )
    executor = TrackedExecutor()
    bolt = make_bolt_app(settings, deps, mode, executor, oauth)
    runtime = Runtime(
        settings, engine, deps, bolt, executor, jobs_scheduler, oauth=oauth, scheduling=scheduler
    )
    if start:
        runtime.start()
    return runtime


def _form_secret(settings: Settings) -> str | None:
    """The secret forms are sealed under (app.listeners.forms): the signing secret, shared by
    every HTTP worker; in Socket Mode without one, the app-level token."""
    for secret in (settings.slack_signing_secret, settings.slack_app_token):
        if secret is not None and secret.get_secret_value():
            return secret.get_secret_value()
    return None


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
    handler = SocketModeHandler(
        runtime.bolt, token, web_client=make_web_client(runtime.settings, token=token)
    )
    # The first URL comes from here, so a refused app token is one line, not a logged error
    # and a traceback; later reconnections ask Slack for a new URL as usual.
    first_url = open_socket_url(make_web_client(runtime.settings, token, logger=QUIET), token)
    handler.client.wss_uri = first_url
    return handler


def make_wsgi_app(runtime: Runtime) -> WSGIApp:
    """POST /slack/events goes to Bolt; GET /healthz says whether the database answers."""
    secret = runtime.settings.slack_signing_secret
    return web.make_wsgi_app(
        runtime.bolt, runtime.engine, secret.get_secret_value() if secret else ""
    )
