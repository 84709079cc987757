"""Measures how responsive the window stays during a large sandbox sync.

A QTimer heartbeat ticks every 10 ms on the main thread while the main window syncs N
generated contacts against the sandbox emulator. The longest gap between ticks, less the
interval, is the longest stall a user could feel. Run it with
``python main.py sandbox bench --ui --contacts 100000``.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer

from app.application import create_application
from app.connectors.registry import file_spec
from app.core.profiles import SyncProfile
from app.devtools.bench import sandbox_connection
from app.sandbox.samples import write_contacts_csv
from app.sync.bootstrap import open_service
from app.ui.main_window import MainWindow

TICK_MS = 10


class Heartbeat:
    """Records the gaps between timer ticks on the main thread."""

    def __init__(self) -> None:
        self.gaps: list[float] = []
        self._clock = QElapsedTimer()
        self._timer = QTimer()
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._clock.start()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        self.gaps.append(self._clock.nsecsElapsed() / 1e6)
        self._clock.restart()

    def stalls(self) -> list[float]:
        return [max(0.0, g - TICK_MS) for g in self.gaps]


def measure(contacts: int, *, as_json: bool = False) -> int:
    app = create_application([])
    with tempfile.TemporaryDirectory(prefix="contactbridge-ui-bench-") as tmp:
        home = Path(tmp)
        csv_path = write_contacts_csv(home / "bench.csv", contacts)
        handle = open_service(sandbox=True, home=home, with_samples=False, emulator_process=True)
        try:
            service = handle.service
            spec = file_spec(csv_path, "Customer ID")
            columns, _ = service.profiles.preview_source(spec, 1)
            profile = service.profiles.save(
                SyncProfile(
                    name="Responsiveness bench",
                    source=spec,
                    main_list="Bench list",
                    connection_id=sandbox_connection(service).id,
                    mapping=service.profiles.suggest_mapping(columns),
                )
            )
            window = MainWindow(service)
            window.show()
            app.processEvents()
            beat = Heartbeat()
            loop = QEventLoop()
            updates: list[int] = []
            window.runner.progress_changed.connect(lambda *a: updates.append(1))
            window.runner.run_finished.connect(lambda *a: loop.quit())
            window.runner.run_failed.connect(lambda *a: loop.quit())
            beat.start()
            started = time.perf_counter()
            window.runner.start(profile.saved_id)
            loop.exec()
            wall = time.perf_counter() - started
            beat.stop()
            window.runner.shutdown()
            window.close()
        finally:
            handle.close()
    stalls = sorted(beat.stalls())
    report = {
        "contacts": contacts,
        "wall_seconds": round(wall, 1),
        "heartbeats": len(stalls),
        "progress_updates": len(updates),
        "longest_stall_ms": round(stalls[-1], 1) if stalls else 0.0,
        "p99_stall_ms": round(stalls[int(len(stalls) * 0.99)], 1) if stalls else 0.0,
        "median_stall_ms": round(statistics.median(stalls), 1) if stalls else 0.0,
        "target_ms": 50,
    }
    if as_json:
        print(json.dumps(report, indent=2))
    else:
        print(f"UI responsiveness during a {contacts:,}-contact sandbox sync ({wall:.1f} s):")
        print(
            f"  longest main-thread stall {report['longest_stall_ms']} ms (target ≤ 50 ms), "
            f"p99 {report['p99_stall_ms']} ms, median {report['median_stall_ms']} ms, "
            f"{len(stalls):,} heartbeats, {len(updates):,} progress updates"
        )
    return 0
