"""The load side of bench.ack: signed POSTs at concurrency C from a process of their own.

Why a process: latency measured by threads that share a GIL with the server (or with the
stand-in) would include their contention, not the server's answer time. Each request signs
with the current time, as Slack does, and opens its own connection, as Slack does.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import threading
import time
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Phase:
    kind: str
    latencies: list[float]  # seconds, answered requests only
    errors: int
    wall: float
    sent_at: list[float] = field(default_factory=list)  # time.time() each body was sent

    def named(self, kind: str) -> Phase:
        return replace(self, kind=kind)


def _send(host: str, port: int, path: str, body: bytes, secret: str) -> bool:
    ts = str(int(time.time()))
    digest = hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    headers = {
        "Content-Type": FORM,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
    }
    connection = http.client.HTTPConnection(host, port, timeout=10)
    try:
        connection.request("POST", path, body, headers)
        response = connection.getresponse()
        response.read()
        return response.status == 200
    except OSError:
        return False
    finally:
        connection.close()


def _drive(conn, url: str, bodies: list[str], concurrency: int, secret: str) -> None:
    parts = urlsplit(url)
    pending = iter(enumerate([b.encode() for b in bodies]))
    lock = threading.Lock()
    latencies: list[float] = []
    sent_at = [0.0] * len(bodies)
    errors = [0]

    def worker() -> None:
        while True:
            with lock:
                index, body = next(pending, (None, None))
            if body is None:
                return
            sent_at[index] = time.time()  # wall clock: compared with the stand-in's
            started = time.perf_counter()
            ok = _send(parts.hostname or "", parts.port or 80, parts.path, body, secret)
            elapsed = time.perf_counter() - started
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors[0] += 1

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    conn.send(Phase("", latencies, errors[0], time.perf_counter() - started, sent_at))


def run(context, url: str, bodies: list[str], concurrency: int, secret: str) -> Phase:
    """Send every body once from a fresh process; its start-up is not timed."""
    ours, theirs = context.Pipe()
    process = context.Process(target=_drive, args=(theirs, url, bodies, concurrency, secret))
    process.start()
    phase = ours.recv()
    process.join()
    return phase


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0
