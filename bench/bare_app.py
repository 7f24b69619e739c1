"""The baseline for bench.ack: a bare Bolt app under the same gunicorn settings as `serve`.

    python -m bench.bare_app [--host 127.0.0.1] [--port 0] [--workers 1] [--threads 8]

One /decide listener that acks and posts one message (with a button, so the benchmark has
something to click), and one button listener that acks. Nothing else: no database, no
parsing, no middleware of ours. Reads SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET and SLACK_API_URL
like the project does, and is served by app.server.run_gunicorn, so the only difference the
benchmark sees is what the project does per request.
"""

from __future__ import annotations

import argparse
import os

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from app.server import run_gunicorn

BUTTON = "bare.button"


def build(token: str, signing_secret: str, api_url: str) -> SlackRequestHandler:
    app = App(
        token=token,
        signing_secret=signing_secret,
        client=WebClient(token=token, base_url=api_url),
    )

    @app.command("/decide")
    def decide(ack, body, client) -> None:
        ack()
        client.chat_postMessage(
            channel=body["channel_id"],
            text=body.get("text") or "decided",
            blocks=[
                {"type": "section", "text": {"type": "mrkdwn", "text": body.get("text") or "-"}},
                {
                    "type": "actions",
                    "elements": [
                        {
                            "type": "button",
                            "action_id": BUTTON,
                            "text": {"type": "plain_text", "text": "Click"},
                            "value": "1",
                        }
                    ],
                },
            ],
        )

    @app.action(BUTTON)
    def clicked(ack) -> None:
        ack()

    return SlackRequestHandler(app)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    env = os.environ

    def load():
        return build(env["SLACK_BOT_TOKEN"], env["SLACK_SIGNING_SECRET"], env["SLACK_API_URL"])

    run_gunicorn(load, host=args.host, port=args.port, workers=args.workers, threads=args.threads)


if __name__ == "__main__":
    main()
