"""Running an emulator in the foreground until Ctrl+C, saying where it listens."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from app.sandbox.kit.served_emulator import ServedEmulator

E = TypeVar("E", bound=ServedEmulator)


def serve_until_stopped(
    emulator: E,
    host: str,
    port: int,
    *,
    banner: Callable[[E], Iterable[str]],
    farewell: str,
    print_fn: Callable[[str], Any] = print,
    stop: threading.Event | None = None,
    seed: Callable[[E], Any] | None = None,
) -> None:
    """Seed ``emulator`` (when ``seed`` is given), start it, print its ``banner`` lines and
    serve until Ctrl+C (or until ``stop`` is set); then print ``farewell`` (on Ctrl+C) and
    stop it."""
    if seed is not None:
        seed(emulator)
    emulator.start(host, port)
    stop = stop or threading.Event()
    try:
        for line in banner(emulator):
            print_fn(line)
        while not stop.wait(0.5):  # a timed wait lets Ctrl+C through on Windows too
            pass
    except KeyboardInterrupt:
        print_fn(farewell)
    finally:
        emulator.stop()
