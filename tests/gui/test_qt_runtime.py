"""The Qt runtime the app ships with survives a long sync's worth of signals."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal

SIGNALS = 2000


class _Emitter(QObject):
    progress_changed = Signal(int, str, int, int, str)


def test_signals_to_python_slots_keep_reference_counts(qapp: object) -> None:
    # PySide6 6.12.0 dropped a reference to True on every delivered signal, and a
    # 100,000-contact sync then aborted the app with "bool_dealloc". pyproject pins it out.
    emitter, seen = _Emitter(), []
    emitter.progress_changed.connect(lambda *args: seen.append(args[2]))
    before = sys.getrefcount(True), sys.getrefcount(False)
    for n in range(SIGNALS):
        emitter.progress_changed.emit(1, "Importing to Constant Contact", n, SIGNALS, "")
    after = sys.getrefcount(True), sys.getrefcount(False)
    assert len(seen) == SIGNALS
    # A reference lost per signal drifts by 2,000. Other threads of the process (a test
    # runner's, Qt's) may hold one of these singletons for a moment: a few, never per signal.
    drift = [abs(a - b) for a, b in zip(after, before, strict=True)]
    assert max(drift) < SIGNALS // 100, drift
