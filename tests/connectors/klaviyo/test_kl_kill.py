"""A migration killed outright (power cut, kill -9) while Klaviyo works on its import resumes
from its checkpoint: the job it sent is looked at again, never sent twice, and nobody is
doubled or subscribed twice.

The command line runs in a child process against emulators this test owns, so Klaviyo
outlives the kill and keeps the job it accepted, as the real service would.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.connectors.klaviyo.connector import SAMPLE_PROFILE
from app.sandbox.constant_contact import ConstantContactEmulator
from app.sandbox.klaviyo import KlaviyoEmulator, seed_samples

ROOT = Path(__file__).resolve().parents[3]
IMPORT = "POST /api/profile-bulk-import-jobs"
LOOK = "GET /api/profile-bulk-import-jobs/{job_id}"
PEOPLE = 40


@pytest.fixture
def emulators(tmp_path: Path) -> Iterator[tuple[ConstantContactEmulator, KlaviyoEmulator]]:
    cc = ConstantContactEmulator(tmp_path / "cc.sqlite3", enforce_limits=False)
    kl = KlaviyoEmulator(tmp_path / "kl.sqlite3", enforce_limits=False)
    seed_samples(kl)
    cc.start()
    kl.start()
    for n in range(PEOPLE):
        permission = "unsubscribed" if n % 10 == 0 else "explicit"
        cc.seed_contact(f"guest{n}@example.com", f"Guest{n}", "Baker", permission, ["Newsletter"])
    try:
        yield cc, kl
    finally:
        cc.stop()
        kl.stop()


def migrate(home: Path, cc: ConstantContactEmulator, kl: KlaviyoEmulator) -> subprocess.Popen[str]:
    env = dict(
        os.environ,
        CONTACTBRIDGE_HOME=str(home),
        CONTACTBRIDGE_CC_API_URL=cc.api_url,
        CONTACTBRIDGE_CC_AUTH_URL=cc.auth_url,
        CONTACTBRIDGE_KLAVIYO_URL=kl.api_url,
        CONTACTBRIDGE_KEYRING="memory",
    )
    return subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--sandbox", "sync", SAMPLE_PROFILE, "--json"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def wait_until(condition: Callable[[], bool], timeout: float, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the migration ended before the condition held:\n{out}\n{err}")
        if time.monotonic() > deadline:
            pytest.fail("timed out waiting for the migration to reach Klaviyo's import")
        time.sleep(0.02)  # polling a condition, not waiting for a guessed duration


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_migration_killed_mid_import_resumes_without_sending_it_again(
    tmp_path: Path, emulators: tuple[ConstantContactEmulator, KlaviyoEmulator]
) -> None:
    cc, kl = emulators
    home = tmp_path / "home"
    kl.settings.job_seconds, kl.settings.job_polls = 3600.0, 10**6  # the job stays in flight
    proc = migrate(home, cc, kl)
    try:
        # Once the child looks at the job, it was accepted and its id checkpointed.
        wait_until(lambda: kl.request_counts().get(LOOK, 0) >= 1, 120, proc)
        # Two jobs: the subscribers (onto the list) and the unsubscribed (onto none).
        assert kl.request_counts().get(IMPORT) == 2
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    assert kl.profile_count() == 0  # Klaviyo had not run the job yet

    kl.settings.job_seconds, kl.settings.job_polls = 0.0, 1
    again = migrate(home, cc, kl)
    out, err = again.communicate(timeout=180)

    assert again.returncode == 0, err
    data = json.loads(out)
    assert data["status"] == "completed"
    assert data["run_id"] == 1  # the killed run, finished, not a second one
    counts = data["counts"]
    assert counts["total"] == PEOPLE and counts["created"] == PEOPLE and counts["failed"] == 0
    assert kl.request_counts().get(IMPORT) == 2  # the accepted jobs were not sent again
    ids = [p["external_id"] for p in kl.profiles()]
    assert len(ids) == PEOPLE and [i for i, n in Counter(ids).items() if n > 1] == []
    consent = kl.consent_counts()
    assert consent.get("SUBSCRIBED") == PEOPLE - PEOPLE // 10
    assert len(kl.suppressions()) == PEOPLE // 10
    assert kl.resubscribed_after_opt_out() == []
