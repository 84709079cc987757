"""The sandbox's emulator child process (``sandbox serve --ready-json``), as the app runs it."""

from __future__ import annotations

from pathlib import Path

from app.sandbox.process import EmulatorProcess


def test_the_app_starts_its_emulator_child_and_it_answers(tmp_path: Path) -> None:
    state = tmp_path / "emulator" / "constant-contact.sqlite3"
    emulator = EmulatorProcess(state, enforce_limits=False).start()
    try:
        assert emulator.api_url.startswith("http://127.0.0.1:")
        assert emulator.request_counts() == {}  # it serves, and nothing was asked of it yet
    finally:
        emulator.stop()
    assert state.exists()
