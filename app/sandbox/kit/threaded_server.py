"""One WSGI app served on a loopback port by a daemon thread, until it is stopped."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from werkzeug.serving import BaseWSGIServer, make_server

from app.sandbox.kit.quiet_handler import QuietHandler

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication


class ThreadedServer:
    """Serves an app from a thread named ``thread_name``; one request thread per call.

    ``stopping`` is set while the server stops: a handler that waits (a forced timeout,
    latency, a held request) waits on it, so stopping never hangs on a sleeping handler.
    """

    def __init__(self, thread_name: str) -> None:
        self.thread_name = thread_name
        self.stopping = threading.Event()
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self, app: WSGIApplication, host: str, port: int) -> str:
        """Listen on ``host:port`` (0: any free port); returns the base URL."""
        if self._server is not None:
            raise RuntimeError("the emulator is already running")
        self.stopping.clear()
        self._server = make_server(host, port, app, threaded=True, request_handler=QuietHandler)
        base_url = f"http://{host}:{self._server.server_port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name=self.thread_name, daemon=True
        )
        self._thread.start()
        return base_url

    def stop(self) -> None:
        self.stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
