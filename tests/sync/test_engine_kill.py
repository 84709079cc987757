"""A sync killed outright (power cut, kill -9) mid-import resumes from its checkpoint.

The CLI runs in a child process against an emulator this test owns, so the emulator (Constant
Contact) outlives the kill and keeps working on the import it had accepted, as the real one
would.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.sandbox.constant_contact import ConstantContactEmulator
from app.sandbox.samples import EXISTING, SAMPLE_PROFILE_NAME
from tests.sandbox.held_activities import imports_held
from tests.sync.conftest import IMPORT_KEY

ROOT = Path(__file__).resolve().parents[2]
POLL_KEY = "GET /v3/activities/{activity_id}"


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[ConstantContactEmulator]:
    emu = ConstantContactEmulator(tmp_path / "cc.sqlite3", enforce_limits=False)
    emu.start()
    for contact in EXISTING:
        emu.seed_contact(**contact)
    try:
        yield emu
    finally:
        emu.stop()


def sync_process(home: Path, emulator: ConstantContactEmulator) -> subprocess.Popen[str]:
    env = dict(
        os.environ,
        CONTACTBRIDGE_HOME=str(home),
        CONTACTBRIDGE_CC_API_URL=emulator.api_url,
        CONTACTBRIDGE_CC_AUTH_URL=emulator.auth_url,
    )
    return subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--sandbox", "sync", SAMPLE_PROFILE_NAME, "--json"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def wait_until(condition, timeout: float, proc: subprocess.Popen[str]) -> None:
    """Poll ``condition`` until true; fail early if the process ended first."""
    deadline = time.monotonic() + timeout
    while not condition():
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the sync ended before the condition held:\n{out}\n{err}")
        if time.monotonic() > deadline:
            pytest.fail("timed out waiting for the sync to reach the import")
        time.sleep(0.02)  # polling a condition, not waiting for a guessed duration


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sync_killed_mid_import_resumes_without_duplicates(tmp_path, emulator):
    home = tmp_path / "home"
    with imports_held(emulator):  # the import is still in flight when the process dies
        proc = sync_process(home, emulator)
        try:
            # Once the child polls the activity, the import was accepted and checkpointed.
            wait_until(lambda: emulator.request_counts().get(POLL_KEY, 0) >= 1, 60, proc)
            assert emulator.request_counts().get(IMPORT_KEY) == 1
            proc.send_signal(signal.SIGKILL)
            proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    assert proc.returncode == -signal.SIGKILL

    again = sync_process(home, emulator)
    out, err = again.communicate(timeout=120)

    assert again.returncode == 0, err
    data = json.loads(out)
    assert data["status"] == "completed"
    assert data["run_id"] == 1  # the killed run, finished, not a second one
    counts = data["counts"]
    assert counts["total"] == 246
    assert sum(counts[k] for k in ("created", "updated", "unchanged", "skipped", "failed")) == 246
    assert (counts["created"], counts["updated"], counts["failed"]) == (238, 1, 0)
    assert emulator.request_counts().get(IMPORT_KEY) == 1  # the accepted import was not resent
    with emulator.state.tx() as conn:
        emails = [r[0] for r in conn.execute("SELECT email_lower FROM contacts").fetchall()]
    assert [e for e, n in Counter(emails).items() if n > 1] == []
    assert len(emulator.contacts_on_list("Newsletter")) == 239
