"""Permalinks built from the workspace's URL match what Slack's chat.getPermalink gives, for
channels, thread replies and org-wide installs, and open the card in the stand-in."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient

from app.posting.permalinks import WorkspaceUrls, permalink
from tests.e2e.conftest import GENERAL


def test_the_format_slack_documents():
    # api.slack.com/methods/chat.getPermalink: archives/<channel>/p<ts without its dot>, and a
    # reply adds ?thread_ts=<parent>&cid=<channel>. (The page's own examples drop one digit of
    # the ts; real links keep all sixteen, e.g. p1640995200123456 for 1640995200.123456.)
    base = "https://ghostbusters.slack.com/"
    assert permalink(base, "C1H9RESGA", "1358546515.000008") == (
        "https://ghostbusters.slack.com/archives/C1H9RESGA/p1358546515000008"
    )
    assert permalink(base, "C1H9RESGL", "1358546517.000023", "1358546515.000008") == (
        "https://ghostbusters.slack.com/archives/C1H9RESGL/p1358546517000023"
        "?thread_ts=1358546515.000008&cid=C1H9RESGL"
    )
    # A thread's parent is linked as a top-level message; a base without its slash is fine.
    assert permalink(base.rstrip("/"), "C1", "1.000002", "1.000002").endswith("/C1/p1000002")


@pytest.mark.parametrize("threaded", [False, True])
def test_built_links_equal_slacks_and_open_the_message(client, standin, threaded):
    parent = client.chat_postMessage(channel=GENERAL, text="parent")["ts"]
    ts = client.chat_postMessage(
        channel=GENERAL, text="reply", thread_ts=parent if threaded else None
    )["ts"]
    url = WorkspaceUrls().url_for(client, "T0001")
    built = permalink(url, GENERAL, ts, parent if threaded else None)
    assert built == client.chat_getPermalink(channel=GENERAL, message_ts=ts)["permalink"]
    assert standin.resolve_permalink(built)["text"] == "reply"


def test_links_that_open_nothing(client, standin):
    ts = client.chat_postMessage(channel=GENERAL, text="top")["ts"]
    good = permalink("https://acme.slack.com/", GENERAL, ts)
    assert standin.resolve_permalink(good) is not None
    for broken in (
        good.replace("acme", "elsewhere"),  # another workspace's host
        good.replace(GENERAL, "C0NOWHERE"),
        good[:-1] + ("1" if good[-1] != "1" else "2"),  # no such ts
        good + f"?thread_ts={ts}&cid={GENERAL}",  # a top-level message is not a reply
        good.replace("https://", "http://"),
    ):
        assert standin.resolve_permalink(broken) is None, broken


def test_an_org_wide_install_links_on_the_organisations_domain(standin):
    code = standin.add_install("E0GRID", "acme-corp")
    token = WebClient(base_url=standin.api_url).oauth_v2_access(
        client_id=standin.client_id, client_secret=standin.client_secret, code=code
    )["access_token"]
    org = WebClient(base_url=standin.api_url, token=token, retry_handlers=[])
    urls = WorkspaceUrls()
    assert urls.url_for(org, "T0GRIDWS") == "https://acme-corp.enterprise.slack.com/"
    ts = org.chat_postMessage(channel=GENERAL, text="org card")["ts"]
    built = permalink(urls.url_for(org, "T0GRIDWS"), GENERAL, ts)
    assert built == org.chat_getPermalink(channel=GENERAL, message_ts=ts)["permalink"]
    assert standin.resolve_permalink(built)["text"] == "org card"
    assert len(standin.calls("auth.test")) == 1  # once per team and process


def test_what_a_request_taught_needs_no_call(client, standin):
    urls = WorkspaceUrls()
    urls.learn("T0001", "https://acme.slack.com/")
    urls.learn("T0002", "javascript:alert(1)")  # never a link anyone would click
    urls.learn("T0003", "https://x.slack.com/archives/C1")
    assert urls.url_for(client, "T0001") == "https://acme.slack.com/"
    assert standin.calls("auth.test") == []
