"""Ack latency, throughput and memory of `deference-bot serve` against a bare Bolt app.

    python -m bench.ack [--database sqlite|postgres] [--database-url URL] [--requests 2000]
                        [--concurrency 16] [--workers N] [--threads 8]

Both servers run side by side under the same gunicorn settings (app.server.run_gunicorn) and
talk to one Slack stand-in in its own process (bench.standin_proc). A load process, never a
server's, sends signed `/decide <title> <@U…>` commands, then clicks: "Record resolution" on
the project's cards, the bare app's one button on its messages. One server is loaded at a time;
before the clicks every card must have been posted. Peak RSS is VmHWM from /proc, master and
workers. Benchmarks are not tests: nothing here asserts a duration.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import load, standin_proc
from bench.bare_app import BUTTON

TOKEN, SECRET = "xoxb-bench", "bench-secret"
CHANNELS = {"project": "C0PROJECT", "bare": "C0BARE"}
ACTIONS = {"project": "decision.record_resolution", "bare": BUTTON}
WARMUP = 40


def _start(name: str, module: str, args, env: dict, folder: Path) -> tuple[subprocess.Popen, str]:
    log = folder / f"{name}.log"
    argv = [sys.executable, "-m", module, *args]
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603
            argv, env=env, stdout=out, stderr=out, start_new_session=True
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        found = re.search(r"listening on (http://[\d.]+:\d+)", log.read_text())
        if found:
            return process, f"{found.group(1)}/slack/events"
        time.sleep(0.1)  # another process's start-up
    raise SystemExit(f"{name} did not start:\n{log.read_text()}")


def _peak_rss(pid: int) -> tuple[float, float, float]:
    """(master, largest worker, master + workers) VmHWM in MB."""

    def status(p: int) -> dict[str, str]:
        try:
            lines = Path(f"/proc/{p}/status").read_text().splitlines()
        except OSError:
            return {}
        return dict(line.split(":", 1) for line in lines if ":" in line)

    children = [int(p) for p in os.listdir("/proc") if p.isdigit() and status(int(p)).get(
        "PPid", "").strip() == str(pid)]  # fmt: skip

    def mb(p: int) -> float:
        return int(status(p).get("VmHWM", "0 kB").split()[0]) / 1024

    workers = [mb(p) for p in children]
    return mb(pid), max(workers, default=0.0), mb(pid) + sum(workers)


def _wait_posted(conn, channel: str, expected: int, timeout: float = 300) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        conn.send(("count", channel))
        if conn.recv() >= expected:
            return time.monotonic() - started
        time.sleep(0.2)  # the servers post after their acks
    print(f"warning: {channel} has fewer than {expected} messages after {timeout:.0f} s")
    return timeout


def _database(args, folder: Path) -> str:
    if args.database == "sqlite":
        return f"sqlite:///{folder}/ack.db"
    from sqlalchemy import text

    from app.config import Settings
    from app.db.engine import make_engine

    engine = make_engine(Settings(database_url=args.database_url).database_url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    return args.database_url


def _errors_logged(folder: Path, name: str) -> int:
    text = (folder / f"{name}.log").read_text()
    return len(re.findall(r"Traceback|\bERROR\b|\[ERROR\]", text))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/bench")
    parser.add_argument("--requests", type=int, default=2000, help="per server, half clicks")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=None, help="default 2, SQLite 1")
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    workers = args.workers or (1 if args.database == "sqlite" else 2)
    if args.database == "sqlite" and workers > 1:
        raise SystemExit("SQLite allows one worker (serve refuses more)")
    folder = Path(tempfile.mkdtemp(prefix="deference-ack-"))
    spawn = multiprocessing.get_context("spawn")
    conn, theirs = spawn.Pipe()
    standin = spawn.Process(
        target=standin_proc.serve, args=(theirs, TOKEN, list(CHANNELS.values())), daemon=True
    )
    standin.start()
    api_url = conn.recv()
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env.update(SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=api_url)
    env.update(DATABASE_URL=_database(args, folder))
    common = ["--host", "127.0.0.1", "--port", "0"]
    common += ["--workers", str(workers), "--threads", str(args.threads)]
    servers = {
        "project": _start("project", "app", ["serve", *common], env, folder),
        "bare": _start("bare", "bench.bare_app", common, env, folder),
    }
    commands = args.requests // 2
    clicks = args.requests - commands
    results: dict[str, list[load.Phase]] = {name: [] for name in servers}
    drained: dict[str, float] = {}
    try:
        for name, (_, url) in servers.items():  # warm-up: Bolt's auth.test, pools, caches
            conn.send(
                ("commands", CHANNELS[name], [f"Warm up {n} <@U0BOB>" for n in range(WARMUP)])
            )
            load.run(spawn, url, conn.recv(), args.concurrency, SECRET)
            _wait_posted(conn, CHANNELS[name], WARMUP)
        for name in ("bare", "project"):
            texts = [f"Pick the queue #{n} <@U0BOB|bob>" for n in range(commands)]
            conn.send(("commands", CHANNELS[name], texts))
            phase = load.run(spawn, servers[name][1], conn.recv(), args.concurrency, SECRET)
            results[name].append(phase.named("command"))
            drained[name] = _wait_posted(conn, CHANNELS[name], WARMUP + commands)
        for name in ("project", "bare"):
            conn.send(("clicks", CHANNELS[name], ACTIONS[name], clicks))
            bodies = conn.recv()
            phase = load.run(spawn, servers[name][1], bodies, args.concurrency, SECRET)
            results[name].append(phase.named("click"))
        time.sleep(2)  # let the last views.open calls land before counting API errors
        rss = {name: _peak_rss(process.pid) for name, (process, _) in servers.items()}
        conn.send(("calls",))
        calls = conn.recv()
    finally:
        for process, _ in servers.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=20)
        conn.send(("stop",))
        conn.recv()
    print(
        f"{args.requests:,} requests per server ({commands:,} /decide, {clicks:,} clicks) at "
        f"concurrency {args.concurrency}; gunicorn gthread, {workers} worker(s) x "
        f"{args.threads} threads; {args.database}; logs in {folder}\n"
    )
    load.report(results, rss, drained, {n: _errors_logged(folder, n) for n in servers})
    print(
        "\nWeb API calls (ok / failed): " + ", ".join(f"{m} {o}/{f}" for m, (o, f) in calls.items())
    )


if __name__ == "__main__":
    main()
