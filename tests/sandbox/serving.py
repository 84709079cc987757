"""Helpers that serve an emulator for a test: seeded and started in the test's thread, or run
by its ``serve_forever`` in a thread of its own, as ``sandbox serve`` runs it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from app.sandbox.kit.served_emulator import ServedEmulator

E = TypeVar("E", bound=ServedEmulator)


def serving(emulator: E, seed: Callable[[E], Any] | None = None) -> Iterator[E]:
    """For a fixture (``yield from serving(...)``): seed the emulator, serve it during the
    test, and stop it after, even when the test fails."""
    if seed is not None:
        seed(emulator)
    with emulator:
        yield emulator


@contextmanager
def serve_forever_lines(
    serve_forever: Callable[..., None], state_path: Path, lines: int, **kwargs: Any
) -> Iterator[list[str]]:
    """Run ``serve_forever`` in a thread until it has printed ``lines`` lines; yield them,
    then stop it and check that it stopped."""
    said: list[str] = []
    ready, stop = threading.Event(), threading.Event()

    def say(line: str) -> None:
        said.append(line)
        if len(said) >= lines:
            ready.set()

    runner = threading.Thread(
        target=serve_forever,
        args=(state_path,),
        kwargs={"print_fn": say, "stop": stop, **kwargs},
        daemon=True,
    )
    runner.start()
    try:
        assert ready.wait(10), said
        yield said
    finally:
        stop.set()
        runner.join(10)
    assert not runner.is_alive()
