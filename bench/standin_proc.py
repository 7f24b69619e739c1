"""The Slack stand-in in a process of its own, driven through a pipe (for bench.ack).

Why a process: the stand-in answers every Web API call both servers make; in the load
generator's or a server's process it would compete with them for one GIL and skew what is
measured. Payloads (slash commands with fresh response_urls, clicks on stored messages) are
built here, where the stand-in's state lives, and handed to the load process as form bodies.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from http.server import ThreadingHTTPServer
from multiprocessing.connection import Connection
from urllib.parse import urlencode

from app.standin import SlackStandIn, payloads

API_APP_ID = "A0001"
DECIDER = "U0BOB"
OPENER = "U0ALICE"


class BenchStandIn(SlackStandIn):
    """Trigger ids are issued before the run, not at the click: count their 3 s from first use.
    Every message posted is timed (wall clock), so a card's latency is its post time minus the
    time the load process sent its command."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.posted_at: dict[tuple[str, str], float] = {}

    def _new_message(self, channel, p):
        message = super()._new_message(channel, p)
        self.posted_at[channel, message["ts"]] = time.time()
        return message

    def _take_trigger(self, trigger_id):
        trigger = self._triggers.get(trigger_id) if isinstance(trigger_id, str) else None
        if trigger is not None and not trigger["used"]:
            trigger["at"] = self.clock()
        return super()._take_trigger(trigger_id)


def _commands(standin: SlackStandIn, channel: str, texts: list[str]) -> list[str]:
    return [
        urlencode(
            payloads.slash_command(
                standin,
                user=OPENER,
                channel=channel,
                text=text,
                command="/decide",
                api_app_id=API_APP_ID,
            )
        )
        for text in texts
    ]


def _clicks(standin: SlackStandIn, channel: str, action_id: str, count: int) -> list[str]:
    found = []
    for message in reversed(standin.messages(channel)):
        if len(found) == count:
            break
        try:
            payload = payloads.block_actions(
                standin, user=DECIDER, action_id=action_id, api_app_id=API_APP_ID, message=message
            )
        except ValueError:  # a message without that button
            continue
        found.append(urlencode({"payload": json.dumps(payload)}))
    return found


def _cards(standin: BenchStandIn, channel: str, pattern: str) -> dict[str, float]:
    """token -> when the message carrying it was posted, for every token `pattern` finds."""
    found = {}
    for message in standin.messages(channel):
        match = re.search(pattern, message.get("text") or "")
        if match:
            found.setdefault(match.group(0), standin.posted_at[channel, message["ts"]])
    return found


def _calls(standin: SlackStandIn) -> dict[str, tuple[int, int]]:
    ok, failed = Counter(), Counter()
    for call in standin.calls():
        (ok if call.ok else failed)[call.method] += 1
    return {m: (ok[m], failed[m]) for m in sorted(set(ok) | set(failed))}


def serve(conn: Connection, bot_token: str, channels: list[str]) -> None:
    """Run the stand-in and answer requests on `conn` until told to stop."""
    # socketserver's listen backlog of 5 resets connections when two servers post at once;
    # Slack does not, so neither should the stand-in here (this process only).
    ThreadingHTTPServer.request_queue_size = 256
    with BenchStandIn(bot_token=bot_token) as standin:
        standin.add_user(OPENER, "alice")
        standin.add_user(DECIDER, "bob")
        for channel in channels:
            standin.add_channel(channel, channel.lower())
        conn.send(standin.api_url)
        while True:
            what, *args = conn.recv()
            if what == "stop":
                conn.send(None)
                return
            if what == "commands":
                conn.send(_commands(standin, *args))
            elif what == "clicks":
                conn.send(_clicks(standin, *args))
            elif what == "count":
                conn.send(len(standin.messages(args[0])))
            elif what == "cards":
                conn.send(_cards(standin, *args))
            elif what == "calls":
                conn.send(_calls(standin))
