"""``run-due``: what the OS job calls. In-process on the sandbox, like tests/test_cli.py."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from app.cli import EXIT_FAILED_RECORDS, EXIT_OK
from app.connectors.xero.connector import SAMPLE_PROFILE as XERO_PROFILE_NAME
from app.core.profiles import SourceSpec
from app.core.schedule import Schedule, ScheduleKind
from app.sandbox.samples import SAMPLE_PROFILE_NAME
from app.store.db import close_database, open_database
from app.store.repositories import ProfileRepository, RunRepository
from app.sync.locks import ProfileLock

EVERY_15 = Schedule(ScheduleKind.INTERVAL, every_minutes=15)
MANUAL_NAME = "Bakery by hand"


@contextmanager
def store(home: Path) -> Iterator[ProfileRepository]:
    open_database(home / "contactbridge.sqlite3")
    try:
        yield ProfileRepository()
    finally:
        close_database()


def run_count(home: Path, name: str) -> int:
    with store(home) as profiles:
        profile = profiles.get_by_name(name)
        assert profile is not None
        return len(RunRepository().history(profile.id))


@pytest.fixture
def scheduled(cli, home) -> int:
    """The sample profile every 15 minutes, plus a manual copy of it; returns the sample's id."""
    assert cli("profiles", "list")[0] == EXIT_OK  # creates the sandbox and its sample
    with store(home) as profiles:
        sample = profiles.get_by_name(SAMPLE_PROFILE_NAME)
        assert sample is not None
        profiles.save(sample.with_changes(schedule=EVERY_15))
        profiles.save(sample.with_changes(id=None, name=MANUAL_NAME, schedule=Schedule()))
        return sample.id


def profile_names(cli) -> set[str]:
    code, out, _ = cli("profiles", "list")
    assert code == EXIT_OK
    return set(out.splitlines())


def by_name(report: list[dict]) -> dict[str, dict]:
    return {item["profile"]: item for item in report}


def test_a_due_profile_runs_and_a_not_due_one_does_not(cli, home, scheduled):
    code, out, _ = cli("run-due", "--json")
    assert code == EXIT_OK
    report = by_name(json.loads(out))
    assert set(report) == profile_names(cli)  # one item a profile, due or not
    ran = report[SAMPLE_PROFILE_NAME]
    assert ran["status"] == "completed"
    assert ran["counts"]["created"] > 0
    assert report[MANUAL_NAME]["status"] == "manual"
    assert run_count(home, SAMPLE_PROFILE_NAME) == 1
    assert run_count(home, MANUAL_NAME) == 0

    # Right after its run, the sample is not due for another 15 minutes.
    code, out, _ = cli("run-due", "--json")
    assert code == EXIT_OK
    again = by_name(json.loads(out))[SAMPLE_PROFILE_NAME]
    assert again["status"] == "not_due"
    assert again["next_run"]
    assert run_count(home, SAMPLE_PROFILE_NAME) == 1


def test_one_line_per_profile(cli, home, scheduled):
    code, out, _ = cli("run-due")
    assert code == EXIT_OK
    lines = out.splitlines()
    assert len(lines) == len(profile_names(cli))
    assert f"{SAMPLE_PROFILE_NAME}: completed — created " in out
    assert f"{MANUAL_NAME}: manual — runs only when you press Sync Now" in lines
    code, out, _ = cli("run-due")
    assert f"{SAMPLE_PROFILE_NAME}: not due — next run " in out
    assert "(every 15 minutes)" in out


def test_a_profile_locked_by_another_holder_is_skipped(cli, home, scheduled):
    lock = ProfileLock(home / "locks", scheduled, SAMPLE_PROFILE_NAME)
    lock.acquire()  # the app's window is syncing it
    try:
        code, out, _ = cli("run-due")
    finally:
        lock.release()
    assert code == EXIT_OK  # nothing failed: the other run covers this period
    assert f"{SAMPLE_PROFILE_NAME}: skipped — already syncing" in out
    assert run_count(home, SAMPLE_PROFILE_NAME) == 0


def test_a_failed_run_exits_1_and_the_others_still_run(cli, home, scheduled):
    with store(home) as profiles:
        sample = profiles.get_by_name(SAMPLE_PROFILE_NAME)
        gone = SourceSpec("file", {"path": str(home / "missing.csv")})
        profiles.save(sample.with_changes(id=None, name="Broken", source=gone, schedule=EVERY_15))
    code, out, _ = cli("run-due", "--json")
    assert code == EXIT_FAILED_RECORDS
    report = by_name(json.loads(out))
    assert report["Broken"]["status"] in ("error", "failed")
    assert report["Broken"].get("message")
    assert report[SAMPLE_PROFILE_NAME]["status"] == "completed"


def test_manual_profiles_wait_and_two_way_ones_poll_after_their_first_sync(cli, home):
    assert cli("profiles", "list")[0] == EXIT_OK  # the samples' schedules are all manual
    code, out, _ = cli("run-due", "--json")
    assert code == EXIT_OK
    report = by_name(json.loads(out))
    assert report[SAMPLE_PROFILE_NAME]["status"] == "manual"
    # The Xero sample syncs both ways, but it does not sync by itself before the user did.
    xero = report[XERO_PROFILE_NAME]
    assert (xero["status"], xero["schedule"]) == (
        "manual",
        "Manual (two-way checks start after your first sync)",
    )
    assert run_count(home, XERO_PROFILE_NAME) == 0
    code, out, _ = cli("run-due")
    line = next(ln for ln in out.splitlines() if ln.startswith(XERO_PROFILE_NAME))
    assert line == (
        f"{XERO_PROFILE_NAME}: manual — runs only when you press Sync Now "
        "(two-way checks start after your first sync)"
    )
    assert run_count(home, XERO_PROFILE_NAME) == 0

    # After the user's first sync, it looks for unsubscribes every 30 minutes.
    assert cli("sync", XERO_PROFILE_NAME)[0] == EXIT_OK
    code, out, _ = cli("run-due", "--json")
    assert code == EXIT_OK
    xero = by_name(json.loads(out))[XERO_PROFILE_NAME]
    assert (xero["status"], xero["schedule"]) == ("not_due", "Every 30 minutes (two-way)")


def test_a_two_way_profile_that_just_polled_is_not_called_manual(cli, home):
    assert cli("profiles", "list")[0] == EXIT_OK
    assert cli("sync", XERO_PROFILE_NAME)[0] == EXIT_OK  # the user's first sync

    code, out, _ = cli("run-due", "--json")

    assert code == EXIT_OK
    xero = by_name(json.loads(out))[XERO_PROFILE_NAME]
    assert (xero["status"], xero["schedule"]) == ("not_due", "Every 30 minutes (two-way)")
    assert xero["next_run"]
    code, out, _ = cli("run-due")
    line = next(ln for ln in out.splitlines() if ln.startswith(XERO_PROFILE_NAME))
    assert line.startswith(f"{XERO_PROFILE_NAME}: not due — next run ")
    assert line.endswith("(every 30 minutes (two-way))")
    assert "manual" not in line
