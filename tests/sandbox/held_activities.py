"""Holding the Constant Contact emulator's imports in flight until a test lets them go.

A test that kills the app mid-import needs the import still running when the kill lands.
A fixed activity delay races the kill: on a loaded machine (two pytest workers, other jobs)
the test may see the first poll only after the import finished and the child completed its
run, and the kill then finds nothing in flight. Held, the import stays accepted and
"processing" however slow the machine, and completes once released, as the real service
finishes what it took.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from app.sandbox.constant_contact import ConstantContactEmulator
from app.sandbox.constant_contact.activities import ActivityRunner, Outcome, Processor

IMPORT_KIND = "contacts_json_import"
# A client looks at one activity by its id, at several through the account's recent ones.
LOOKS = ("GET /v3/activities/{activity_id}", "GET /v3/activities")


@contextmanager
def imports_held(emulator: ConstantContactEmulator, timeout: float = 120.0) -> Iterator[None]:
    """Imports the emulator takes inside the block stay in flight until the block ends
    (or ``timeout`` seconds pass, so a failing test never hangs its emulator)."""
    release = threading.Event()
    processors = emulator.runner.processors
    real: Processor = processors[IMPORT_KIND]

    def held(runner: ActivityRunner, activity_id: str, payload: Any) -> Outcome:
        release.wait(timeout)
        return real(runner, activity_id, payload)

    processors[IMPORT_KIND] = held
    try:
        yield
    finally:
        processors[IMPORT_KIND] = real
        release.set()


def activity_looks(emulator: ConstantContactEmulator) -> int:
    """How many times a client looked at activities, one at a time or several at once (the
    engine sends and checkpoints its imports before it looks at any of them)."""
    counts = emulator.request_counts()
    return sum(counts.get(key, 0) for key in LOOKS)
