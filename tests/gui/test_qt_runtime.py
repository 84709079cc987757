"""The Qt runtime the app ships with survives a long sync's worth of signals."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    progress_changed = Signal(int, str, int, int, str)


def test_signals_to_python_slots_keep_reference_counts(qapp: object) -> None:
    # PySide6 6.12.0 dropped a reference to True on every delivered signal, and a
    # 100,000-contact sync then aborted the app with "bool_dealloc". pyproject pins it out.
    emitter, seen = _Emitter(), []
    emitter.progress_changed.connect(lambda *args: seen.append(args[2]))
    before = sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None)
    for n in range(2000):
        emitter.progress_changed.emit(1, "Importing to Constant Contact", n, 2000, "")
    after = sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None)
    assert len(seen) == 2000
    assert after[0] == before[0]
    assert after[1] == before[1]
