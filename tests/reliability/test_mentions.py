"""Text that cannot ping, on the real `deference-bot serve` process: a title typed as a broadcast
reaches Slack as words, while a typed mention of one person stays a mention."""

from __future__ import annotations

import json
from pathlib import Path

from app.standin import Workspace
from tests.e2e.conftest import ALICE, BOB, GENERAL, SIGNING_SECRET
from tests.e2e.processes import cli_env, serve
from tests.reliability.figures import Figure

# What Slack delivers for `/decide` (should_escape: true): typed `<`, `>`, `&` arrive as entities,
# a picked person as <@U…|name>; a typed @here arrives as <!here>.
# Each on its own subject: titles alike would meet the similar-decision check instead.
TYPED = [
    "&lt;!channel&gt; urgent",
    "<!here> payroll freeze",
    "&lt;!everyone&gt; office move",
    "&lt;!subteam^S123|@team&gt; hiring plan",
    "&lt;https://evil.example|click&gt; vendor contract",
    "<!channel> database migration",
]
LIVE = ("<!channel", "<!here", "<!everyone", "<!subteam", "<https://evil", "|click>")


def everything_sent(standin) -> list[tuple[str, str]]:
    """(method, JSON of the parameters Slack would show) for every Web API call and every
    response_url answer the bot made."""
    sent = [
        (call.method, json.dumps({k: call.params.get(k) for k in ("text", "blocks", "view")}))
        for call in standin.calls()
    ]
    sent += [("response_url", json.dumps(r["payload"])) for r in standin.responses(ALICE)]
    return sent


def test_a_typed_broadcast_reaches_chat_post_message_as_words(
    standin, database_url, tmp_path: Path
):
    figure = Figure("Broadcasts, group mentions and masked links typed into `/decide` on `serve`")
    bot = serve(cli_env(standin, database_url), tmp_path / "serve.log")
    try:
        slack = Workspace(standin, bot_url=f"{bot.url}/slack/events", signing_secret=SIGNING_SECRET)
        for typed in TYPED:
            reply = slack.command(ALICE, GENERAL, f"{typed} <@{BOB}|bob>")
            assert reply.status == 200
            for live in LIVE:  # <!date^…> may appear: it formats a time and pings no one
                assert live not in str(reply.body), (live, reply.body)
        posts = standin.wait_for("chat.postMessage", timeout=15, count=len(TYPED))
    finally:
        bot.stop()
    assert len(posts) == len(TYPED)
    [channel] = [p.params for p in posts if p.params["text"].startswith("Decision: &lt;!channel")]
    assert channel["text"].startswith("Decision: &lt;!channel&gt; urgent")
    assert "&lt;!channel&gt; urgent" in json.dumps(channel["blocks"])
    for post in posts:
        blocks = json.dumps(post.params["blocks"])
        assert f"<@{BOB}>" in blocks, "the typed mention of one person stays live"
        for live in LIVE:
            assert live not in post.params["text"] and live not in blocks, (live, post.params)
    for method, shown in everything_sent(standin):
        figure.tried += 1
        for live in LIVE:
            assert live not in shown, (method, live, shown)
        figure.count("texts sent to Slack with a live broadcast or masked link", 0)
        figure.count("texts sent to Slack, none able to ping")
    figure.count("typed mention of one person kept live", len(posts))
    figure.write()
