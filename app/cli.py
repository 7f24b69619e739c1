"""The `deference-bot` command line: the composition root for every way of running the bot."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from app import __version__
from app.config import Settings, SettingsError, configure_logging, load_settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

log = logging.getLogger("deference")
# gunicorn's exit status for a worker that could not boot: its master stops instead of retrying.
WORKER_BOOT_ERROR = 3
# What a shell reports for a process that a closed pipe stopped (128 + SIGPIPE).
SIGPIPE_EXIT = 141


def _run(settings: Settings, _args: argparse.Namespace) -> int:
    settings.require("socket")
    _check_setup(settings)
    from app.wiring import build_runtime, make_socket_mode_handler

    postgres = settings.database_url.startswith("postgresql")
    scheduler = "elect" if postgres else True
    runtime = build_runtime(settings, "socket", scheduler=scheduler, start=False)
    try:
        handler = make_socket_mode_handler(runtime)  # a refused app token stops us here
    except SettingsError:
        runtime.close()
        raise
    runtime.start()
    # A container stop sends SIGTERM: finish like Ctrl-C, closing the socket and the pool.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    log.info("Deference is running in Socket Mode; press Ctrl-C to stop")
    try:
        handler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        handler.close()
        runtime.close()
    return 0


def _check_setup(settings: Settings) -> None:
    """The database and the bot token, checked before the bot's modules are imported (that
    takes seconds): a setup mistake is one line, and comes quickly."""
    from app.db.engine import make_engine
    from app.preflight import check_setup

    engine = make_engine(settings.database_url)
    try:
        check_setup(settings, engine)
    finally:
        engine.dispose()


def _database(settings: Settings) -> Engine:
    """The engine of DATABASE_URL, once it has answered (else one SettingsError line)."""
    from app.db.engine import check_database, make_engine

    engine = make_engine(settings.database_url)
    try:
        check_database(engine)
    except SettingsError:
        engine.dispose()
        raise
    return engine


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    settings.require("http")
    if settings.database_url.startswith("sqlite") and args.workers > 1:
        raise SettingsError(
            "--workers above 1 needs PostgreSQL: SQLite allows one writer process. "
            "Set DATABASE_URL to a postgresql:// URL or use --threads instead."
        )
    # In the master, before any worker starts: a setup mistake is one line from here, not a
    # traceback from every worker.
    _check_setup(settings)
    _migrate_apart(settings.database_url)  # once, before any worker starts
    from app.server import run_gunicorn
    from app.wiring import build_runtime, make_wsgi_app

    port = settings.port if args.port is None else args.port

    # Exactly one process runs the scheduler. On PostgreSQL every worker takes part in the
    # election (app.jobs.leader) and only the holder of the lock runs jobs; on SQLite there is
    # exactly one worker, and it runs the scheduler.
    scheduler = "elect" if settings.database_url.startswith("postgresql") else True

    def load():
        try:
            runtime = build_runtime(settings, "http", migrate=False, scheduler=scheduler)
        except SettingsError as exc:
            # Something changed since the master checked (a token revoked meanwhile): one
            # line, and gunicorn's "worker failed to boot" exit status stops the master.
            print(f"deference-bot: {exc}", file=sys.stderr, flush=True)
            sys.exit(WORKER_BOOT_ERROR)
        return make_wsgi_app(runtime)

    run_gunicorn(load, host=args.host, port=port, workers=args.workers, threads=args.threads)
    return 0


def _migrate_apart(database_url: str) -> None:
    """Bring the schema up to date in a short-lived child process. Alembic (and Mako and
    Pygments behind it, ~50 modules) is then never imported by the master, so no worker forked
    from it carries them either."""
    import multiprocessing

    child = multiprocessing.get_context("fork").Process(
        target=_upgrade, args=(database_url,), name="deference-migrate"
    )
    child.start()
    child.join()
    if child.exitcode != 0:
        raise SettingsError(
            "migrating the database failed (the error is above); "
            "fix it and retry with `deference-bot migrate`"
        )


def _upgrade(database_url: str) -> None:
    from app.db.engine import make_engine
    from app.db.migrate import upgrade
    from app.jobs.scheduler import create_job_table

    engine = make_engine(database_url)
    try:
        upgrade(engine)
        create_job_table(engine)
    finally:
        engine.dispose()


def _migrate(settings: Settings, _args: argparse.Namespace) -> int:
    engine = _database(settings)  # before the imports: a mistake is one line, quickly
    from app.db.migrate import current_revision, upgrade

    try:
        upgrade(engine)
        print(f"database schema is at revision {current_revision(engine)}")
    finally:
        engine.dispose()
    return 0


def _export(settings: Settings, args: argparse.Namespace) -> int:
    url = export_database_url(args.database or settings.database_url)
    engine = _database(settings.model_copy(update={"database_url": url}))
    from app.db.engine import make_session_factory
    from app.db.migrate import upgrade
    from app.exporting import UnknownTeam, export_log

    try:
        upgrade(engine)
        sessions = make_session_factory(engine)
        if args.format == "html":
            from app.site import write_site

            index = write_site(sessions, Path(args.out), args.team).resolve()
            print(f"wrote the decision log: open {index.as_uri()} in a browser", file=sys.stderr)
        elif args.out:
            with open(args.out, "w", encoding="utf-8", newline="") as out:
                export_log(sessions, args.format, out, args.team)
        else:
            export_log(sessions, args.format, sys.stdout, args.team)
            sys.stdout.flush()
    except UnknownTeam as exc:
        raise SettingsError(f"--team: {exc}") from None
    except BrokenPipeError:
        # The reader went away (`export | head`): stop quietly, as Unix tools do. Point stdout
        # at /dev/null so the interpreter's final flush cannot raise again on the way out.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return SIGPIPE_EXIT
    except OSError as exc:  # --out names a place that cannot be written
        where = exc.filename or args.out
        raise SettingsError(f"--out: cannot write {where}: {exc.strerror or exc}") from None
    finally:
        engine.dispose()
    return 0


def export_database_url(database: str) -> str:
    """--database takes a URL or a SQLite file's path. Export reads what exists: a SQLite file
    that is not there is a mistake (a typo, the wrong folder), not a new empty database."""
    url = database if "://" in database else f"sqlite:///{database}"
    if url.startswith("sqlite"):
        from sqlalchemy import make_url

        from app.db.engine import check_sqlite_path

        path = make_url(url).database
        if path and path != ":memory:" and not path.startswith("file:"):
            check_sqlite_path(path)  # a folder that is missing or a file is said first
            if not Path(path).expanduser().is_file():
                raise SettingsError(
                    f"no SQLite database at {Path(path).expanduser().absolute()}: name the "
                    "file the bot or console writes with --database (e.g. --database "
                    "console.db) or DATABASE_URL"
                )
    return url


def _purge(settings: Settings, args: argparse.Namespace) -> int:
    engine = _database(settings)  # before the imports: a mistake is one line, quickly
    from app.db.migrate import upgrade
    from app.purge import count_rows, purge_team

    try:
        upgrade(engine)
        found = count_rows(engine, args.team)
        if not found:
            print(f"deference-bot: team {args.team} has no data in this database.", file=sys.stderr)
            return 2
        _print_counts(f"team {args.team} has", found)
        if not args.yes:
            try:
                typed = input(f"Type the team id ({args.team}) to delete all of it: ")
            except EOFError:
                typed = ""
            if typed.strip() != args.team:
                print("purge cancelled: nothing was deleted", file=sys.stderr)
                return 1
        _print_counts(f"deleted from team {args.team}", purge_team(engine, args.team))
    finally:
        engine.dispose()
    return 0


def _print_counts(title: str, counts: dict[str, int]) -> None:
    print(f"{title}:")
    for table, count in counts.items():
        print(f"  {table}: {count}")


def _console(_settings: Settings, args: argparse.Namespace) -> int:
    from pathlib import Path

    from app.console.main import run_console

    return run_console(args.script, Path(args.db) if args.db else None)


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else default


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="deference-bot",
        description="Deference: decision authority for Slack teams.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser("run", help="connect to Slack in Socket Mode (SLACK_BOT_TOKEN, SLACK_APP_TOKEN)")
    serve = sub.add_parser("serve", help="serve HTTP: POST /slack/events, GET /healthz")
    serve.add_argument("--host", default="0.0.0.0", help="address to bind (default 0.0.0.0)")  # noqa: S104
    serve.add_argument("--port", type=int, default=None, help="port (default: $PORT or 3000)")
    serve.add_argument(
        "--workers",
        type=int,
        default=_env_int("WEB_CONCURRENCY", 1),
        help="worker processes (default: $WEB_CONCURRENCY or 1; above 1 needs PostgreSQL)",
    )
    serve.add_argument("--threads", type=int, default=8, help="threads per worker (default 8)")
    console = sub.add_parser(
        "console", help="try the bot offline: a local Slack, the real bot, and you at the keyboard"
    )
    console.add_argument(
        "--script", nargs="?", const="demo", help="play a script (default: the shipped demo)"
    )
    console.add_argument("--db", help="SQLite file (default: console.db; a fresh one for scripts)")
    sub.add_parser("migrate", help="bring the database schema up to date")
    export = sub.add_parser(
        "export", help="write the decision log to stdout, or as a web page (--format html)"
    )
    export.add_argument("--format", choices=("csv", "json", "markdown", "html"), default="csv")
    export.add_argument("--team", help="only this Slack team id (default: every team)")
    export.add_argument(
        "--database",
        metavar="URL",
        help="the database to read: a URL or a SQLite file (default: $DATABASE_URL)",
    )
    export.add_argument(
        "--out",
        metavar="PATH",
        help="write to this file instead of stdout; for --format html, the site's folder",
    )
    purge = sub.add_parser(
        "purge", help="delete every row of one team (decisions, schedules, its installation)"
    )
    purge.add_argument("--team", required=True, help="the Slack team id, T...")
    purge.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    return parser


COMMANDS = {
    "run": _run,
    "serve": _serve,
    "migrate": _migrate,
    "export": _export,
    "purge": _purge,
    "console": _console,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "export" and args.format == "html" and not args.out:
        parser.error("export --format html writes a folder: name it with --out DIR")
    try:
        settings = load_settings()
        configure_logging(settings.log_level)
        return COMMANDS[args.command](settings, args)
    except SettingsError as exc:
        print(f"deference-bot: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
