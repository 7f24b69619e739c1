"""A message's permalink, built from its workspace's URL instead of asked of chat.getPermalink.

Slack's format (api.slack.com/methods/chat.getPermalink): the workspace's URL, `archives/`,
the channel id, and `p` followed by the message's ts without its dot; a reply in a thread
adds `?thread_ts=<the parent's ts>&cid=<channel>`:

    https://acme.slack.com/archives/C1H9RESGA/p135854651500008
    https://acme.slack.com/archives/C1H9RESGL/p135854651700023?thread_ts=1358546515.000008&cid=C1H9RESGL

The workspace's URL is auth.test's `url`, which Bolt already asked for when it authorised the
request (`context.authorize_result.url`): `https://acme.slack.com/` for a workspace,
`https://acme.enterprise.slack.com/` for an Enterprise Grid organisation that installed the app
org-wide (links on the organisation's domain open in whichever of its workspaces the reader
uses). Requests teach `WorkspaceUrls` each team's URL; a scheduled job with no request behind
it asks auth.test once per team and process.
"""

from __future__ import annotations

import logging
import threading
from urllib.parse import urlsplit

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)


def permalink(workspace_url: str, channel_id: str, ts: str, thread_ts: str | None = None) -> str:
    """The link Slack's chat.getPermalink gives for message `ts` (a reply when `thread_ts`
    names another message, its thread's parent)."""
    base = workspace_url if workspace_url.endswith("/") else workspace_url + "/"
    link = f"{base}archives/{channel_id}/p{ts.replace('.', '')}"
    if thread_ts and thread_ts != ts:
        link += f"?thread_ts={thread_ts}&cid={channel_id}"
    return link


def _usable(url: object) -> str | None:
    if not isinstance(url, str):
        return None
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or parts.path not in ("", "/"):
        return None
    return f"https://{parts.hostname}/"


class WorkspaceUrls:
    """team id -> the workspace's URL (auth.test's `url`), per process (thread-safe)."""

    def __init__(self) -> None:
        self._urls: dict[str, str] = {}
        self._lock = threading.Lock()

    def learn(self, team_id: str | None, url: object) -> None:
        """Remember the URL Bolt's authorisation found for the team (cheap: once per key)."""
        usable = _usable(url)
        if not team_id or usable is None:
            return
        with self._lock:
            if self._urls.get(team_id) != usable:
                self._urls[team_id] = usable

    def url_for(self, client: WebClient, team_id: str) -> str | None:
        """The team's URL; asks auth.test with the team's client when no request taught it."""
        with self._lock:
            if (known := self._urls.get(team_id)) is not None:
                return known
        try:
            answer = client.auth_test()
        except SlackApiError as exc:
            log.warning("no workspace URL for team %s: %s", team_id, exc.response.get("error"))
            return None
        self.learn(team_id, answer.get("url"))
        with self._lock:
            return self._urls.get(team_id)

    def forget(self, team_id: str) -> None:
        with self._lock:
            self._urls.pop(team_id, None)
