"""HTTP servers for the WSGI app.

Production (`deference-bot serve`) runs gunicorn with threaded workers: a real pre-fork server,
each worker building its own engine after the fork. Tests and the offline console run the same
WSGI app on a threaded stdlib server inside the process, so they can inject a clock.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from app.web import WSGIApp

log = logging.getLogger(__name__)


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args) -> None:
        log.debug("%s - %s", self.address_string(), format % args)


class BackgroundServer:
    """A threaded HTTP server on its own thread; `url` is known once it is bound (port 0 ok)."""

    def __init__(self, app: WSGIApp, host: str = "127.0.0.1", port: int = 0) -> None:
        self._server = make_server(
            host, port, app, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
        )
        # The poll interval bounds how long stop() waits for the loop to notice: the console
        # and the tests (the only users; production runs gunicorn) stop one per bot they start.
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="http", kwargs={"poll_interval": 0.01}
        )
        self._thread.daemon = True

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{self._server.server_address[0]}:{self.port}"

    def start(self) -> BackgroundServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def run_gunicorn(
    load: Callable[[], WSGIApp], *, host: str, port: int, workers: int, threads: int
) -> None:
    """Serve with gunicorn's gthread workers; `load` runs in each worker after the fork."""
    from gunicorn.app.base import BaseApplication

    class DeferenceServer(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("timeout", 30)
            self.cfg.set("graceful_timeout", 10)
            self.cfg.set("accesslog", None)
            self.cfg.set("when_ready", _announce)
            if "control_socket_disable" in self.cfg.settings:
                # gunicorn >= 25 opens a control socket in ~/.gunicorn; two servers on one
                # machine would fight over it, and nothing here uses it.
                self.cfg.set("control_socket_disable", True)

        def load(self) -> WSGIApp:
            return load()

    DeferenceServer().run()


def _announce(server) -> None:
    for listener in server.LISTENERS:
        print(f"deference-bot: listening on {listener}", file=sys.stderr, flush=True)
