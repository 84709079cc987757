"""Pauses Python's cyclic garbage collector while a run works through large data.

A full collection over a heap holding a 100,000-record run takes 50-70 ms and holds the
interpreter lock, so the window would freeze for that long each time one starts in a worker
thread. Runs create almost no reference cycles, so reference counting frees their memory
anyway; the collector resumes when the last run ends.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = True


@contextmanager
def gc_paused() -> Iterator[None]:
    """Nestable and thread-safe: the collector runs again when every pause has ended."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
