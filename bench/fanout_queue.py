"""bench.fanout --workspaces: many workspaces due at once, posted by 1 or 2 worker processes.

The leader's part (finding what is due and queueing it in the ledger) runs here; the posting
runs in separate worker processes (bench.fanout_worker), each with its post-worker threads
taking posts with FOR UPDATE SKIP LOCKED (app.domain.post_queue). The stand-in runs in a
process of its own, so each process's CPU time shows what binds: the workers, the stand-in
or the database. With --kill, one of two workers is SIGKILLed mid-burst; its claimed posts
must be taken over (after their lease) and nothing lost or doubled.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from http.server import ThreadingHTTPServer
from multiprocessing.connection import Connection

from sqlalchemy import insert, make_url, select, text

from app import jobs
from app.config import Settings
from app.db.engine import make_engine, make_session_factory
from app.db.migrate import upgrade
from app.db.models import ChannelSchedule, ScheduledPost, Team
from app.jobs.schedules import post_due_checkins
from app.standin import SlackStandIn
from app.wiring import build_runtime
from bench.fanout_worker import BOT_TOKEN

PER_WORKSPACE = 10
TICKS = os.sysconf("SC_CLK_TCK")


@dataclasses.dataclass
class Run:
    processes: int
    posts: int
    seconds: float
    enqueue_seconds: float
    lost: int
    doubled: int
    cpu: dict[str, float]
    taken_over: int = 0
    takeover_wait: float | None = None

    @property
    def rate(self) -> float:
        return self.posts / self.seconds


def standin_process(conn: Connection, channels: list[str]) -> None:
    ThreadingHTTPServer.request_queue_size = 256  # as bench.standin_proc: no resets under load
    with SlackStandIn(bot_token=BOT_TOKEN) as standin:
        for channel in channels:
            standin.add_channel(channel, channel.lower())
        conn.send(standin.api_url)
        while (what := conn.recv()) != "stop":
            if what == "total":
                conn.send(sum(1 for c in standin.calls("chat.postMessage") if c.ok))
            elif what == "counts":
                ok = (c for c in standin.calls("chat.postMessage") if c.ok)
                conn.send(Counter(str(c.params.get("channel")) for c in ok))
        conn.send(None)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a live process, from /proc."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def database_cpu_seconds(database: str) -> float:
    """CPU time of the local PostgreSQL backends serving `database` (each names its database
    in its process title); 0 where /proc does not show them."""
    total = 0.0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                title = cmdline.read().decode(errors="replace").split()
            if not title or title[0] != "postgres:" or database not in title:
                continue
            total += cpu_seconds(int(pid))
        except OSError:
            continue  # gone meanwhile, or not ours to read
    return total


def seed(url: str, workspaces: int, slot: datetime) -> list[str]:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade(engine)
    set_at = slot - timedelta(hours=1)
    teams = [f"T{w:06d}" for w in range(workspaces)]
    channels = [f"C{w:06d}{n}" for w in range(workspaces) for n in range(PER_WORKSPACE)]
    with make_session_factory(engine).begin() as session:
        session.execute(insert(Team), [{"id": t, "created_at": set_at} for t in teams])
        session.execute(
            insert(ChannelSchedule),
            [
                {
                    "team_id": f"T{c[1:7]}",
                    "channel_id": c,
                    "kind": "checkin",
                    "hour": slot.hour,
                    "minute": slot.minute,
                    "tz": "UTC",
                    "weekdays": "0,1,2,3,4,5,6",
                    "every_weeks": 1,
                    "anchor": (set_at.date() - timedelta(days=set_at.weekday())).isoformat(),
                    "created_by": "U0ALICE",
                    "updated_at": set_at,
                }
                for c in channels
            ],
        )
    engine.dispose()
    return channels


def one_run(url: str, workspaces: int, processes: int, threads: int, kill: bool) -> Run:
    slot = datetime.now(UTC).replace(second=0, microsecond=0)
    channels = seed(url, workspaces, slot)
    parent, child = multiprocessing.Pipe()
    standin = multiprocessing.Process(target=standin_process, args=(child, channels))
    standin.start()
    api_url = parent.recv()
    workers = [
        subprocess.Popen(  # noqa: S603 - our own module
            [
                sys.executable,
                *os.environ.get("FANOUT_WORKER", "-m bench.fanout_worker").split(),
                url,
                api_url,
                str(threads),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    for worker in workers:
        assert worker.stdout.readline().strip() == "ready"
    settings = Settings(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret="bench",  # noqa: S106
        database_url=url,
        slack_api_url=api_url,
    )
    leader = build_runtime(settings, "http", migrate=False, start=False)
    jobs.install(dataclasses.replace(jobs.installed(), post_workers=True))  # only enqueue
    cpu_before = {w.pid: cpu_seconds(w.pid) for w in workers} | {
        standin.pid: cpu_seconds(standin.pid)
    }
    database = make_url(url).database or ""
    database_before = database_cpu_seconds(database)
    started = time.perf_counter()
    post_due_checkins()
    enqueued = time.perf_counter() - started
    total, killed_at = len(channels), None
    deadline = started + 600
    while time.perf_counter() < deadline:
        parent.send("total")
        done = parent.recv()
        if kill and killed_at is None and done >= total * 0.3:
            os.kill(workers[0].pid, signal.SIGKILL)
            killed_at = time.time()
        if done >= total:
            break
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    cpu = {
        f"worker {n}": cpu_seconds(w.pid) - cpu_before[w.pid]
        for n, w in enumerate(workers)
        if w.poll() is None
    }
    cpu["stand-in"] = cpu_seconds(standin.pid) - cpu_before[standin.pid]
    cpu["database"] = database_cpu_seconds(database) - database_before
    time.sleep(1.0)  # a doubled post would land by now
    parent.send("counts")
    counts: Counter[str] = parent.recv()
    taken_over, wait = _takeovers(leader, killed_at)
    leader.close()
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
    parent.send("stop")
    parent.recv()
    standin.join(timeout=10)
    return Run(
        processes=processes,
        posts=sum(counts.values()),
        seconds=elapsed,
        enqueue_seconds=enqueued,
        lost=sum(1 for c in channels if counts[c] == 0),
        doubled=sum(n - 1 for n in counts.values() if n > 1),
        cpu=cpu,
        taken_over=taken_over,
        takeover_wait=wait,
    )


def _takeovers(leader, killed_at: float | None) -> tuple[int, float | None]:
    """Posts claimed more than once, and how long after the kill the last of them was sent."""
    with leader.deps.sessions() as session:
        again = session.scalars(select(ScheduledPost).where(ScheduledPost.attempts > 1)).all()
    if killed_at is None or not again:
        return len(again), None
    return len(again), max(r.sent_at.timestamp() for r in again if r.sent_at) - killed_at


def report(runs: list[Run], workspaces: int, threads: int) -> None:
    print(
        f"{workspaces:,} workspaces x {PER_WORKSPACE} channels due at one minute on PostgreSQL; "
        f"{threads} post threads per worker process; {os.cpu_count()} cores\n"
    )
    print(
        "| worker processes | posts | enqueue s | posting s | posts/s | lost | doubled "
        "| CPU s: workers | CPU s: stand-in | CPU s: database | taken over "
        "| last taken-over post after kill |"
    )
    print("| ---: " * 12 + "|")
    for run in runs:
        workers = sum(v for k, v in run.cpu.items() if k.startswith("worker"))
        wait = f"{run.takeover_wait:.1f} s" if run.takeover_wait is not None else "-"
        print(
            f"| {run.processes}{' (one killed)' if run.takeover_wait is not None else ''} "
            f"| {run.posts:,} | {run.enqueue_seconds:.1f} | {run.seconds:.1f} "
            f"| {run.rate:.0f} | {run.lost} | {run.doubled} | {workers:.1f} "
            f"| {run.cpu['stand-in']:.1f} | {run.cpu['database']:.1f} | {run.taken_over} "
            f"| {wait} |"
        )
    base, two = runs[0], runs[1]
    print(f"\n2 worker processes / 1: {two.rate / base.rate:.2f}x the rate")
    per_post = sum(v for k, v in base.cpu.items() if k.startswith("worker")) / base.posts
    need = 100_000 * per_post
    print(
        f"\nWorker CPU per post: {per_post * 1000:.1f} ms; 10,000 workspaces x 10 channels "
        f"= {need:,.0f} CPU-seconds of workers, i.e. {need / 60:.1f} cores to post them all "
        "within a minute (plus the database and Slack's own latency, which threads hide)."
    )


def main(url: str, workspaces: int, threads: int, kill: bool) -> None:
    runs = [
        one_run(url, workspaces, 1, threads, False),
        one_run(url, workspaces, 2, threads, False),
    ]
    if kill:
        runs.append(one_run(url, workspaces, 2, threads, True))
    report(runs, workspaces, threads)
