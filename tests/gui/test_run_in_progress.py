"""A run in progress reads "Syncing…" in the run history, the reports and the profiles list,
wherever it runs (here, the CLI, run-due); a run whose process is gone reads "Interrupted".

The run's row says "running" either way; the profile's lock, held by the running process and
released by the OS when it dies, tells them apart. Here a child process holds the lock, as a
``python main.py sync`` in another terminal would, and is then killed.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.sandbox.samples import SAMPLE_PROFILE_NAME
from app.ui.history import HistoryDialog
from app.ui.main_window import MainWindow
from app.ui.profiles_model import ProfilesModel
from app.ui.reports import ReportsDialog
from tests.gui import managers_support
from tests.gui.managers_support import TIMEOUT

ROOT = Path(__file__).resolve().parents[2]
SYNCING, INTERRUPTED = "Syncing…", "Interrupted — sync again to finish"
RESULT_COLUMN = 3  # of the reports' runs table (Started, Profile, Kind, Result)
HISTORY_RESULT_COLUMN = 2  # of a profile's run history (Started, Kind, Result)

tasks = managers_support.tasks

HOLD_LOCK = """
import sys
from pathlib import Path
from app.sync.locks import ProfileLock
lock = ProfileLock(Path(sys.argv[1]), int(sys.argv[2]))  # kept: a dropped lock is released
lock.acquire()
print("locked", flush=True)
sys.stdin.read()  # until the test kills it
"""


class OtherProcess:
    """A process that holds a profile's lock, as a sync in another process does."""

    def __init__(self, lock_dir: Path, profile_id: int) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", HOLD_LOCK, str(lock_dir), str(profile_id)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        assert self.proc.stdout.readline().strip() == "locked"

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=30)
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                stream.close()


@pytest.fixture
def running(sandbox) -> Iterator[tuple[object, int, OtherProcess]]:
    """(service, run id, process): the sample profile's run row says running and another
    process holds its lock; an older run was interrupted (its row still says running)."""
    service = sandbox.service
    profile = service.profiles.named(SAMPLE_PROFILE_NAME)
    interrupted = service.store.runs.start(profile.id)
    live = service.store.runs.start(profile.id)
    assert interrupted < live
    other = OtherProcess(sandbox.home / "locks", profile.id)
    try:
        yield service, live, other
    finally:
        other.kill()


def test_the_service_tells_a_live_run_from_an_interrupted_one(running) -> None:
    service, live, other = running
    profile = service.profiles.named(SAMPLE_PROFILE_NAME)
    runs = service.runs.history(profile.id)

    assert service.runs.live_run_ids(runs) == {live}

    other.kill()  # the process is gone: its run was interrupted

    assert service.runs.live_run_ids(runs) == frozenset()


def test_history_shows_a_run_in_progress_as_syncing(qtbot, running, tasks) -> None:
    service, live, other = running
    dialog = HistoryDialog(service, service.profiles.named(SAMPLE_PROFILE_NAME), tasks)
    qtbot.addWidget(dialog)

    def words() -> dict[int, str]:
        model = dialog.model
        return {
            run.run_id: model.index(i, HISTORY_RESULT_COLUMN).data()
            for i, run in enumerate(model.rows)
        }

    assert words() == {live: SYNCING, live - 1: INTERRUPTED}

    other.kill()
    dialog.reload()

    assert words() == {live: INTERRUPTED, live - 1: INTERRUPTED}


def test_reports_show_a_run_in_progress_as_syncing(qtbot, running, tasks) -> None:
    service, live, other = running
    dialog = ReportsDialog(service, tasks)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.runs_loaded, timeout=TIMEOUT):
        dialog.show()

    def words() -> dict[int, str]:
        proxy = dialog.proxy
        return {
            run.run_id: proxy.index(i, RESULT_COLUMN).data()
            for i, run in enumerate(dialog.shown_runs())
        }

    assert words() == {live: SYNCING, live - 1: INTERRUPTED}

    other.kill()
    with qtbot.waitSignal(dialog.runs_loaded, timeout=TIMEOUT):
        dialog.reload()

    assert words() == {live: INTERRUPTED, live - 1: INTERRUPTED}


def test_the_profiles_list_shows_a_sync_in_another_process_as_syncing(qtbot, running) -> None:
    service, _live, other = running
    window = MainWindow(service)
    qtbot.addWidget(window)
    profile = service.profiles.named(SAMPLE_PROFILE_NAME)

    def status() -> str:
        row = window.model.row_of(profile.id)
        return window.model.index(row, ProfilesModel.COL_STATUS).data()

    try:
        assert status() == SYNCING

        other.kill()
        window.reload_profiles()

        assert status() == INTERRUPTED
    finally:
        window.shutdown()
