"""Installing the bot into a workspace the way a browser does: /slack/install, then Slack's
redirect back to /slack/oauth_redirect with a code the stand-in issued and the state cookie."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

from app.standin import SlackStandIn
from app.standin.installs import CLIENT_ID

AUTHORIZE_URL = "https://slack.com/oauth/v2/authorize"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is what the test looks at, not a page to follow


BROWSER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects)


@dataclass(frozen=True)
class Page:
    status: int
    headers: dict[str, str]  # names in lower case
    body: str


def browse(url: str, cookie: str | None = None) -> Page:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
    try:
        with BROWSER.open(request, timeout=10) as response:
            return Page(response.status, _lower(response.headers), response.read().decode())
    except urllib.error.HTTPError as error:
        return Page(error.code, _lower(error.headers), error.read().decode())


def _lower(headers) -> dict[str, str]:
    return {key.lower(): value for key, value in headers.items()}


def install(base_url: str, standin: SlackStandIn, team_id: str, domain: str) -> str:
    """Install into `team_id` through the bot's OAuth pages; returns the bot token issued."""
    start = browse(f"{base_url}/slack/install")
    assert start.status == 302, start
    location = start.headers["location"]
    assert location.startswith(AUTHORIZE_URL + "?"), location
    query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    assert query["client_id"] == CLIENT_ID and "chat:write" in query["scope"].split(",")
    cookie = start.headers["set-cookie"].split(";")[0]
    assert cookie.split("=", 1)[1] == query["state"]

    code = standin.add_install(team_id, domain)
    back = urlencode({"code": code, "state": query["state"]})
    done = browse(f"{base_url}/slack/oauth_redirect?{back}", cookie)
    assert done.status == 200 and "Thank you!" in done.body, done
    [exchange] = [c for c in standin.calls("oauth.v2.access") if c.params.get("code") == code]
    assert exchange.ok and exchange.team_id == team_id
    return str(exchange.response["access_token"])  # type: ignore[index]
