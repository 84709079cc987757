"""Event-loop waits for scripted runs of the UI (screenshots, benchmarks), never for tests.

Tests wait on signals with ``qtbot``; these helpers serve code that drives the real app.
"""

from __future__ import annotations

from PySide6.QtCore import QEventLoop, QTimer, SignalInstance


def wait_ms(ms: int) -> None:
    """Let Qt lay out and paint (screenshots only; tests wait on signals instead)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_for(signal: SignalInstance, timeout_ms: int = 120_000) -> bool:
    """Run the event loop until ``signal`` fires; False on timeout."""
    loop = QEventLoop()
    fired: list[bool] = []

    def on_fired(*_args: object) -> None:
        fired.append(True)
        loop.quit()

    signal.connect(on_fired)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    signal.disconnect(on_fired)
    return bool(fired)
