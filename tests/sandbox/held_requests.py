"""Holding an emulator's requests, taken but not yet served, until a test lets them go.

A test that kills the app while a service is still making what it asked for needs that call
still unanswered when the kill lands. A latency races the kill: on a loaded machine (two
pytest workers, other jobs) the test may see the call only after its answer came back.
Held, the call waits however slow the machine, and is served once released, as the real
service finishes what it took (its answer then goes to a closed connection).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from werkzeug.wrappers import Request, Response

from app.sandbox.kit.emulator_app import EmulatorApp


class HeldRequests:
    """``entered`` is set once a matching request arrived and is being held."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.released = threading.Event()


@contextmanager
def requests_held(
    app: EmulatorApp[Any], method: str, path_end: str, timeout: float = 120.0
) -> Iterator[HeldRequests]:
    """Requests ``method`` to a path ending in ``path_end`` wait until the block ends (or
    ``timeout`` seconds pass, so a failing test never hangs its emulator), then are served
    and counted as usual."""
    held = HeldRequests()
    serve = app.dispatch

    def dispatch(request: Request) -> Response:
        if request.method == method and request.path.endswith(path_end):
            held.entered.set()
            held.released.wait(timeout)
        return serve(request)

    app.dispatch = dispatch  # type: ignore[method-assign]
    try:
        yield held
    finally:
        del app.dispatch  # the class's own again
        held.released.set()
