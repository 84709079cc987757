"""The loopback listener that catches an OAuth redirect on ``http://127.0.0.1``.

A desktop app has no web address of its own: the browser is sent back to a one-shot listener
on this computer (RFC 8252, "loopback interface redirection").
"""

from __future__ import annotations

import html
import http.server
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

from app.core.errors import AuthError, Cancelled

_DONE_PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>ContactBridge</title></head>"
    "<body style='font-family:sans-serif;margin:3em'><h1>{title}</h1><p>{text}</p></body></html>"
)


class _CallbackHandler(http.server.BaseHTTPRequestHandler):
    server: _CallbackServer

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path != self.server.callback_path:
            self.send_error(404)
            return
        params = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if params.get("code") and params.get("state") == self.server.expected_state:
            title, text = "Connected", "You can close this tab and return to ContactBridge."
        else:
            title = "Not connected"
            text = "The sign-in did not complete. You can close this tab and try again."
        page = _DONE_PAGE.format(title=html.escape(title), text=html.escape(text))
        payload = page.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
        self.server.deliver(params)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr log: the request line carries the code."""


class _CallbackServer(http.server.HTTPServer):
    def __init__(self, expected_state: str, callback_path: str, port: int) -> None:
        super().__init__(("127.0.0.1", port), _CallbackHandler)
        self.expected_state = expected_state
        self.callback_path = callback_path
        self.result: dict[str, str] | None = None
        self.arrived = threading.Event()

    def deliver(self, params: dict[str, str]) -> None:
        if self.result is None:
            self.result = params
        self.arrived.set()


class LoopbackReceiver:
    """A one-shot HTTP listener on ``127.0.0.1`` that catches the redirect.

    ``port=0`` takes any free port; pass a fixed one if the app registration demands an
    exact redirect URI.
    """

    def __init__(self, state: str, callback_path: str = "/callback", port: int = 0) -> None:
        self._server = _CallbackServer(state, callback_path, port)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="oauth-loopback",
            daemon=True,
        )
        self._thread.start()

    @property
    def redirect_uri(self) -> str:
        port = self._server.server_address[1]
        return f"http://127.0.0.1:{port}{self._server.callback_path}"

    def wait(
        self,
        timeout: float,
        is_cancelled: Callable[[], bool] | None = None,
        clock: Callable[[], float] = time.monotonic,
        *,
        service: str = "Constant Contact",
    ) -> dict[str, str]:
        """The redirect's query parameters; raises Cancelled or AuthError on timeout."""
        deadline = clock() + timeout
        while not self._server.arrived.wait(0.05):
            if is_cancelled and is_cancelled():
                raise Cancelled()
            if clock() >= deadline:
                raise AuthError(f"The sign-in took too long. Start connecting to {service} again.")
        assert self._server.result is not None
        return self._server.result

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> LoopbackReceiver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
