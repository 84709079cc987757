"""A migration killed outright (power cut, kill -9) while Klaviyo works on its import resumes
from its checkpoint: the job it sent is looked at again, never sent twice, and nobody is
doubled or subscribed twice.

The command line runs in a child process against emulators this test owns, so Klaviyo
outlives the kill and keeps the job it accepted, as the real service would.
"""

from __future__ import annotations

import signal
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.connectors.klaviyo.connector import SAMPLE_PROFILE
from app.sandbox.constant_contact import ConstantContactEmulator
from app.sandbox.klaviyo import KlaviyoEmulator, seed_samples
from tests.helpers.child_cli import child, child_env, finish, kill, wait_until

IMPORT = "POST /api/profile-bulk-import-jobs"
LOOK = "GET /api/profile-bulk-import-jobs/{job_id}"
PEOPLE = 40
# The migration: a sync of the sample profile from Constant Contact into Klaviyo.
MIGRATE = ("sync", SAMPLE_PROFILE, "--json")


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


def environment(home: Path, cc: ConstantContactEmulator, kl: KlaviyoEmulator) -> dict[str, str]:
    return child_env(home, cc, CONTACTBRIDGE_KLAVIYO_URL=kl.api_url, CONTACTBRIDGE_KEYRING="memory")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_migration_killed_mid_import_resumes_without_sending_it_again(
    tmp_path: Path, emulators: tuple[ConstantContactEmulator, KlaviyoEmulator]
) -> None:
    cc, kl = emulators
    env = environment(tmp_path / "home", cc, kl)
    kl.settings.job_seconds, kl.settings.job_polls = 3600.0, 10**6  # the job stays in flight
    with child(env, *MIGRATE) as proc:
        # Once the child looks at the job, it was accepted and its id checkpointed.
        wait_until(
            lambda: kl.request_counts().get(LOOK, 0) >= 1,
            120,
            proc,
            "the migration to reach Klaviyo's import",
        )
        # Two jobs: the subscribers (onto the list) and the unsubscribed (onto none).
        assert kl.request_counts().get(IMPORT) == 2
        kill(proc)
    assert kl.profile_count() == 0  # Klaviyo had not run the job yet

    kl.settings.job_seconds, kl.settings.job_polls = 0.0, 1
    data = finish(env, *MIGRATE)

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
