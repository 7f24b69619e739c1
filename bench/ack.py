"""Ack latency, card latency and throughput, and memory of `deference-bot serve` against a
bare Bolt app.

    python -m bench.ack [--database sqlite|postgres] [--database-url URL] [--rounds 6]
                        [--commands 300] [--clicks 100] [--concurrency 8] [--workers N]
                        [--threads 8]

Both servers run side by side under the same gunicorn settings (app.server.run_gunicorn) and
talk to one Slack stand-in in its own process (bench.standin_proc). A load process, never a
server's, sends signed `/decide <title> <@U…>` commands, then clicks ("Record resolution" on
the project's cards, the bare app's one button on its messages). Rounds alternate which server
goes first, so drift on a shared machine hits both. A command's card latency is the time from
sending it until the stand-in stored its card (wall clock, one host); cards per second is
commands over the time from the first command sent to the last card posted. Worker RSS is
VmRSS after warm-up and at the end, and VmHWM. Benchmarks are not tests: nothing here
asserts a duration.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import re
import signal
import string
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


def _start(
    name: str, module: str, args, env: dict, folder: Path, py_spy: str | None = None
) -> tuple[subprocess.Popen, str]:
    log = folder / f"{name}.log"
    argv = [sys.executable, "-m", module, *args]
    if py_spy:  # sampled at 200 Hz, idle threads left out; flamegraph.pl reads the raw file
        spy = Path(sys.executable).with_name("py-spy")
        argv = [str(spy), "record", "--subprocesses", "-r", "200", "-f", "raw", "-o", py_spy,
                "--", *argv]  # fmt: skip
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


def _status(p: int) -> dict[str, str]:
    try:
        lines = Path(f"/proc/{p}/status").read_text().splitlines()
    except OSError:
        return {}
    return dict(line.split(":", 1) for line in lines if ":" in line)


def _workers(pid: int) -> list[int]:
    return [int(p) for p in os.listdir("/proc") if p.isdigit() and _status(int(p)).get(
        "PPid", "").strip() == str(pid)]  # fmt: skip


def _mb(p: int, field: str) -> float:
    return int(_status(p).get(field, "0 kB").split()[0]) / 1024


def _worker_rss(pid: int) -> tuple[float, float]:
    """(largest worker's VmRSS now, largest worker's VmHWM) in MB."""
    workers = _workers(pid)
    return (
        max((_mb(w, "VmRSS") for w in workers), default=0.0),
        max((_mb(w, "VmHWM") for w in workers), default=0.0),
    )


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


def _percentile(values: list[float], fraction: float) -> float:
    return load.percentile(values, fraction)


def _unlike() -> str:
    """Random letters, so no title looks like another: /decide answers a title similar to an
    earlier decision with a notice and stores nothing (app.domain.similar)."""
    return "".join(random.choices(string.ascii_lowercase, k=18))


def _round(conn, spawn, name, url, args, round_no, secret) -> dict[str, list[float] | float]:
    """One server's share of a round: commands until every card is posted, then clicks."""
    channel = CHANNELS[name]
    tokens = [f"Q{round_no}x{n}" for n in range(args.commands)]
    conn.send(("commands", channel, [f"{_unlike()} {t} <@U0BOB|bob>" for t in tokens]))
    phase = load.run(spawn, url, conn.recv(), args.concurrency, secret)
    _wait_cards(conn, channel, tokens)
    conn.send(("cards", channel, rf"Q{round_no}x\d+\b"))
    posted = conn.recv()
    sent = dict(zip(tokens, phase.sent_at, strict=True))
    card = [posted[t] - sent[t] for t in tokens if t in posted]
    span = max(posted.values()) - min(phase.sent_at) if posted else float("nan")
    conn.send(("clicks", channel, ACTIONS[name], args.clicks))
    clicks = load.run(spawn, url, conn.recv(), args.concurrency, secret)
    return {
        "ack": phase.latencies,
        "card": card,
        "cards_per_s": len(posted) / span,
        "click": clicks.latencies,
        "errors": float(phase.errors + clicks.errors + args.commands - len(posted)),
    }


def _wait_cards(conn, channel: str, tokens: list[str], timeout: float = 300) -> None:
    started = time.monotonic()
    pattern = rf"{tokens[0].split('x')[0]}x\d+\b"
    while time.monotonic() - started < timeout:
        conn.send(("cards", channel, pattern))
        if len(conn.recv()) >= len(tokens):
            return
        time.sleep(0.05)  # the servers post after their acks
    print(f"warning: {channel}: cards missing after {timeout:.0f} s")


def _report(results, rss, calls, args, workers, folder) -> None:
    def row(name):
        got = results[name]
        ack = [x for r in got for x in r["ack"]]
        card = [x for r in got for x in r["card"]]
        click = [x for r in got for x in r["click"]]
        rates = sorted(r["cards_per_s"] for r in got)
        return {
            "ack p50": _percentile(ack, 0.5) * 1000,
            "ack p99": _percentile(ack, 0.99) * 1000,
            "click p99": _percentile(click, 0.99) * 1000,
            "card p50": _percentile(card, 0.5) * 1000,
            "card p99": _percentile(card, 0.99) * 1000,
            "cards/s": rates[len(rates) // 2],
            "worker RSS": rss[name]["end"],
            "errors": sum(r["errors"] for r in got),
        }

    rows = {name: row(name) for name in results}
    print(
        f"{args.rounds} rounds x ({args.commands} /decide + {args.clicks} clicks) per server, "
        f"alternating; concurrency {args.concurrency}; gunicorn gthread {workers} worker(s) x "
        f"{args.threads} threads; {args.database}; logs in {folder}\n"
    )
    keys = list(rows["project"])
    print("| server | " + " | ".join(keys) + " |")
    print("| --- |" + " ---: |" * len(keys))
    for name, r in rows.items():
        print(f"| {name} | " + " | ".join(f"{r[k]:.1f}" for k in keys) + " |")
    print("\n(ms; cards/s the median round's; worker RSS MB at the end)\n")
    print("| worker memory MB | after warm-up | at the end | peak (VmHWM) |")
    print("| --- | ---: | ---: | ---: |")
    for name in rows:
        m = rss[name]
        print(f"| {name} | {m['warm']:.0f} | {m['end']:.0f} | {m['peak']:.0f} |")
    for name in rows:
        after = ", ".join(f"{mb:.0f}" for mb in rss[name].get("rounds", []))
        print(f"{name} worker VmRSS MB after each round: {after}")
    targets = [
        ("ack p99", "ack p99", lambda x: x <= 1.5, "<= 1.5x"),
        ("card p99", "card p99", lambda x: x <= 3.0, "<= 3x"),
        ("cards/s", "cards/s", lambda x: x >= 0.5, ">= 0.5x"),
        ("worker RSS", "worker RSS", lambda x: x <= 2.0, "<= 2x"),
    ]
    print("\n| project / bare | ratio | target | verdict |")
    print("| --- | ---: | --- | --- |")
    for label, key, ok, target in targets:
        p, b = rows["project"][key], rows["bare"][key]
        ratio = p / b if b else float("nan")
        print(f"| {label} | {ratio:.2f}x | {target} | {'met' if ok(ratio) else 'missed'} |")
    per_round = [
        f"{p['cards_per_s'] / b['cards_per_s']:.2f}"
        for p, b in zip(results["project"], results["bare"], strict=True)
    ]
    print(f"\ncards/s ratio per round: {', '.join(per_round)}")
    print(
        "Web API calls (ok / failed): " + ", ".join(f"{m} {o}/{f}" for m, (o, f) in calls.items())
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/bench")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--commands", type=int, default=300, help="per server and round")
    parser.add_argument("--clicks", type=int, default=100, help="per server and round")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=None, help="default 2, SQLite 1")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument(
        "--py-spy", metavar="FILE", help="sample the project's processes with py-spy into FILE"
    )
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
        "project": _start("project", "app", ["serve", *common], env, folder, args.py_spy),
        "bare": _start("bare", "bench.bare_app", common, env, folder),
    }
    results: dict[str, list[dict]] = {name: [] for name in servers}
    rss: dict[str, dict] = {name: {} for name in servers}
    try:
        for name, (_, url) in servers.items():  # warm-up: Bolt's auth.test, pools, caches
            tokens = [f"W0x{n}" for n in range(WARMUP)]
            texts = [f"{_unlike()} {t} <@U0BOB>" for t in tokens]
            conn.send(("commands", CHANNELS[name], texts))
            load.run(spawn, url, conn.recv(), args.concurrency, SECRET)
            _wait_cards(conn, CHANNELS[name], tokens)
            rss[name]["warm"] = _worker_rss(servers[name][0].pid)[0]
        for round_no in range(1, args.rounds + 1):
            order = ("bare", "project") if round_no % 2 else ("project", "bare")
            for name in order:
                results[name].append(
                    _round(conn, spawn, name, servers[name][1], args, round_no, SECRET)
                )
                rss[name].setdefault("rounds", []).append(_worker_rss(servers[name][0].pid)[0])
        time.sleep(2)  # let the last views.open calls land before counting API errors
        for name, (process, _) in servers.items():
            rss[name]["end"], rss[name]["peak"] = _worker_rss(process.pid)
        conn.send(("calls",))
        calls = conn.recv()
    finally:
        for process, _ in servers.values():
            if process.poll() is None:
                if args.py_spy and process is servers["project"][0]:
                    for child in _workers(process.pid):  # gunicorn's master; py-spy then writes
                        os.kill(child, signal.SIGTERM)
                    process.wait(timeout=60)
                    continue
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=20)
        conn.send(("stop",))
        conn.recv()
    _report(results, rss, calls, args, workers, folder)
    print({n: _errors_logged(folder, n) for n in servers}, "errors logged (project, bare)")


if __name__ == "__main__":
    main()
