"""A sync killed outright (power cut, kill -9) mid-import resumes from its checkpoint.

The CLI runs in a child process against an emulator this test owns, so the emulator (Constant
Contact) outlives the kill and keeps working on the import it had accepted, as the real one
would.
"""

from __future__ import annotations

import signal
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.sandbox.constant_contact import ConstantContactEmulator
from app.sandbox.samples import EXISTING, SAMPLE_PROFILE_NAME
from tests.helpers.child_cli import child, child_env, finish, kill, wait_until
from tests.sandbox.held_activities import imports_held
from tests.sync.conftest import IMPORT_KEY

POLL_KEY = "GET /v3/activities/{activity_id}"
SYNC = ("sync", SAMPLE_PROFILE_NAME, "--json")


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


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sync_killed_mid_import_resumes_without_duplicates(
    tmp_path: Path, emulator: ConstantContactEmulator
) -> None:
    env = child_env(tmp_path / "home", emulator)
    with imports_held(emulator), child(env, *SYNC) as proc:  # the import still in flight
        # Once the child polls the activity, the import was accepted and checkpointed.
        wait_until(
            lambda: emulator.request_counts().get(POLL_KEY, 0) >= 1,
            60,
            proc,
            "the sync to reach the import",
        )
        assert emulator.request_counts().get(IMPORT_KEY) == 1
        kill(proc)

    data = finish(env, *SYNC)

    assert data["status"] == "completed"
    assert data["run_id"] == 1  # the killed run, finished, not a second one
    counts = data["counts"]
    assert counts["total"] == 246  # and finish() checked every outcome adds up to it
    assert (counts["created"], counts["updated"], counts["failed"]) == (238, 1, 0)
    assert emulator.request_counts().get(IMPORT_KEY) == 1  # the accepted import was not resent
    with emulator.state.tx() as conn:
        emails = [r[0] for r in conn.execute("SELECT email_lower FROM contacts").fetchall()]
    assert [e for e, n in Counter(emails).items() if n > 1] == []
    assert len(emulator.contacts_on_list("Newsletter")) == 239
