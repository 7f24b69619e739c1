"""What listeners need from the composition root: the session factory (not a session) and time.

Bolt runs listener bodies on worker threads after ack(), so each handler opens its own short
session from the factory; nothing request-scoped can be closed under it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from apscheduler.schedulers.base import BaseScheduler
from slack_sdk import WebClient

from app.domain.clock import Clock
from app.domain.names import NameMemo
from app.domain.storage import Sessions, SideReads
from app.domain.team_cache import TeamCache
from app.listeners.forms import FormSeal, origin_of
from app.listeners.payloads import BlockActions, CommandPayload, MessageShortcut
from app.posting.home import HomeReads
from app.posting.people import People
from app.posting.permalinks import WorkspaceUrls

SLACK_HOOKS = "https://hooks.slack.com/"


@dataclass(frozen=True)
class Deps:
    sessions: Sessions
    clock: Clock
    api_url: str = "https://slack.com/api/"
    scheduler: BaseScheduler | None = None  # None where this process runs no scheduler
    review_days: int = 14  # days after deciding before an outcome review is due
    # With OAuth installs: deletes a team's stored installation (it uninstalled the app).
    forget_install: Callable[[str], None] | None = None
    # With OAuth installs: an org-wide install (Enterprise Grid) is forgotten by organisation,
    # returning its workspaces; each workspace an org-wide request comes from is remembered so
    # scheduled jobs find the organisation's token (app.installs.OrgWorkspaces).
    forget_org: Callable[[str], list[str]] | None = None
    remember_workspace: Callable[[str, str], None] | None = None
    # Stores the names of people and channels as requests and directory look-ups show them
    # (app.domain.names), so human-facing exports can say "Carol" instead of <@U0CAROL>.
    names: NameMemo | None = None
    # Seals private_metadata of every modal opened; wiring derives its key from a secret.
    forms: FormSeal = field(default_factory=FormSeal)
    # The process's caches in front of users.info and auth.test (app.posting.people,
    # app.posting.permalinks); wiring makes them on the same clock as everything else.
    people: People = field(default_factory=People)
    urls: WorkspaceUrls = field(default_factory=WorkspaceUrls)
    # The team's part of Home, shared by everyone in the team for a few seconds; wiring makes
    # it forget a team when a write to it commits (app.domain.team_cache).
    team_views: TeamCache | None = None
    # On PostgreSQL, the figures' independent reads run side by side on connections of their
    # own (app.db.side_reads); None (SQLite, tests): in the handler's session, in turn.
    side_reads: SideReads | None = None

    @property
    def home_reads(self) -> HomeReads:
        """What drawing someone's Home needs (app.posting.home)."""
        return HomeReads(
            self.sessions, self.clock, self.review_days, self.team_views, self.side_reads
        )

    def note_profile(self, team_id: str) -> Callable[[str, Any], None] | None:
        """Hand this to a users.info look-up (decider_problem): the name it reads is kept."""
        return partial(self.names.saw_profile, team_id) if self.names is not None else None

    def open_form(
        self, client: WebClient, request: BlockActions | CommandPayload | MessageShortcut, view
    ) -> None:
        """Open a modal with its private_metadata sealed to where and by whom (forms.py)."""
        sealed = self.forms.seal(view, origin_of(request), self.clock.now())
        client.views_open(trigger_id=request.trigger_id, view=sealed)

    def trusted_response_url(self, url: object) -> str | None:
        """A response_url we may POST to: Slack's hooks host, or the configured API's host.

        private_metadata comes back from the client; posting to any URL in it would let a forged
        payload make the bot send requests wherever it likes.
        """
        if not isinstance(url, str):
            return None
        api = urlsplit(self.api_url)
        own = f"{api.scheme}://{api.netloc}/"
        return url if url.startswith((SLACK_HOOKS, own)) and len(url) < 1000 else None
