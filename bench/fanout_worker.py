"""One post-worker process for bench.fanout --workspaces: takes queued posts until SIGTERM.

    python -m bench.fanout_worker DATABASE_URL API_URL THREADS

It is what every serving process runs beside its listeners (app.jobs.post_workers), without
the HTTP server, so the benchmark measures the posting alone. Prints "ready" once it polls.
"""

from __future__ import annotations

import os
import signal
import sys
import threading

from app.config import Settings
from app.jobs.post_workers import PostWorkers
from app.wiring import build_runtime

BOT_TOKEN = "xoxb-bench"  # noqa: S105 - the stand-in's


def main() -> None:
    database_url, api_url, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
    settings = Settings(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret="bench",  # noqa: S106
        database_url=database_url,
        slack_api_url=api_url,
        slack_posts_per_second=1000,  # each workspace posts 10: its rate never binds here
    )
    runtime = build_runtime(settings, "http", migrate=False, start=False)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    workers = PostWorkers(threads=threads, poll=0.2).start()
    print("ready", flush=True)
    stop.wait()
    workers.stop()
    runtime.close()
    print(f"posted {workers.posted}", flush=True)


if __name__ == "__main__":
    if profile := os.environ.get("FANOUT_PROFILE"):  # a cProfile of one worker, to read
        import cProfile

        cProfile.run("main()", f"{profile}.{os.getpid()}")
    else:
        main()
