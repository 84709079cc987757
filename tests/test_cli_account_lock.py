"""The command line and the account lock: it waits for another sync on the same Constant
Contact account, saying so on stderr, or with ``--no-wait`` stops at once with exit code 2.

The in-process tests hold the account from another process (``tests/sync/lock_holder.py``)
and let it go when the command says it waits. The last test runs two real processes,
``python main.py --sandbox sync`` and ``push``, against one emulator, and reads from the
emulator's request log that their calls never interleaved.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import pytest

from app import cli as cli_module
from app.cli import EXIT_CANNOT_START, EXIT_OK
from app.core.schedule import Schedule, ScheduleKind
from app.sandbox.constant_contact import ConstantContactEmulator
from app.sandbox.samples import SAMPLE_PROFILE_NAME
from app.store.db import close_database, open_database
from app.store.repositories import ConnectionRepository, ProfileRepository
from app.sync.locks import account_key
from tests.sync.lock_holder import ROOT, HeldElsewhere, held_elsewhere
from tests.sync.request_log import IMPORT_PATH, RequestLog

STUDIO = "Studio members → Classes"


@pytest.fixture
def key(cli, home) -> str:
    """The sandbox account's lock key, once the sandbox and its samples exist."""
    assert cli("profiles", "list")[0] == EXIT_OK
    open_database(home / "contactbridge.sqlite3")
    try:
        (conn,) = ConnectionRepository().list("constant_contact")
    finally:
        close_database()
    assert conn.settings.get("account_id")  # learnt when it connected
    return account_key(conn.id, conn.settings)


def release_when_waiting(monkeypatch: pytest.MonkeyPatch, other: HeldElsewhere) -> list[str]:
    """Let the other process go as soon as the command says it waits; returns its lines."""
    said: list[str] = []
    original = cli_module._say_waiting

    def say(message: str) -> None:
        original(message)
        said.append(message)
        if len(said) == 1:
            other.release()

    monkeypatch.setattr(cli_module, "_say_waiting", say)
    return said


def test_sync_waits_for_the_other_window_then_runs(cli, home, key, monkeypatch):
    with held_elsewhere(home / "locks", key, STUDIO, "window") as other:
        said = release_when_waiting(monkeypatch, other)
        code, out, err = cli("sync", SAMPLE_PROFILE_NAME, "--json")
    assert code == EXIT_OK
    assert json.loads(out)["status"] == "completed"  # stdout stays one JSON object
    first_line = err.splitlines()[0]
    assert first_line.startswith(
        f'ContactBridge: Waiting for "{STUDIO}" to finish syncing with this Constant Contact '
        "account (started "
    )
    assert first_line.endswith(", in another ContactBridge window).")
    assert "ContactBridge: the Constant Contact account is free; starting." in err
    assert said[-1] == ""


def test_no_wait_stops_at_once_with_exit_2_naming_the_other_run(cli, home, key, tmp_path):
    csv_file = tmp_path / "walk-ins.csv"
    csv_file.write_text("Email\nwalk.in@example.com\n", encoding="utf-8")
    with held_elsewhere(home / "locks", key, STUDIO, "run-due"):
        code, out, err = cli("sync", SAMPLE_PROFILE_NAME, "--no-wait")
        assert code == EXIT_CANNOT_START
        assert out == ""
        assert err.startswith(
            f'ContactBridge: This Constant Contact account is busy: "{STUDIO}" is syncing '
            "with it (started "
        )
        assert "by the scheduled background job)." in err
        code, out, err = cli("push", str(csv_file), "--list", "Walk-ins", "--no-wait", "--json")
        assert code == EXIT_CANNOT_START
        reply = json.loads(out)
        assert reply["status"] == "error"
        assert "This Constant Contact account is busy" in reply["message"]
    # Nothing was written meanwhile, and with the account free the same command runs.
    code, _, _ = cli("sync", SAMPLE_PROFILE_NAME, "--no-wait")
    assert code == EXIT_OK


def test_run_due_queues_behind_another_sync_instead_of_skipping(cli, home, key, monkeypatch):
    open_database(home / "contactbridge.sqlite3")
    try:
        profiles = ProfileRepository()
        sample = profiles.get_by_name(SAMPLE_PROFILE_NAME)
        profiles.save(sample.with_changes(schedule=Schedule(ScheduleKind.INTERVAL, 15)))
    finally:
        close_database()
    with held_elsewhere(home / "locks", key, STUDIO, "window") as other:
        said = release_when_waiting(monkeypatch, other)
        code, out, err = cli("run-due", "--json")
    assert code == EXIT_OK
    assert f'ContactBridge: Waiting for "{STUDIO}"' in err
    report = {item["profile"]: item for item in json.loads(out)}
    assert report[SAMPLE_PROFILE_NAME]["status"] == "completed"
    assert said[0].startswith(f'Waiting for "{STUDIO}" to finish syncing')


# -- two real processes -----------------------------------------------------------------------


def start_cli(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "main.py", "--sandbox", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_processes_on_one_account_never_write_at_once(tmp_path, monkeypatch):
    log = RequestLog().install(monkeypatch)
    log.gate = threading.Event()  # the first process's import lasts until the test says
    emulator = ConstantContactEmulator(tmp_path / "emulator.sqlite3", enforce_limits=False).start()
    env = {
        **os.environ,
        "CONTACTBRIDGE_HOME": str(tmp_path / "home"),
        "CONTACTBRIDGE_CC_API_URL": emulator.api_url,
        "CONTACTBRIDGE_CC_AUTH_URL": emulator.auth_url,
        "CONTACTBRIDGE_KEYRING": "memory",
    }
    walk_ins = tmp_path / "walk-ins.csv"
    walk_ins.write_text(
        "Email,First Name\nwalk.in@example.com,Wendy\nsecond.visit@example.com,Sam\n",
        encoding="utf-8",
    )
    try:
        setup = start_cli(env, "profiles", "list")
        assert setup.wait(120) == 0, setup.communicate()
        setup.communicate()
        first = start_cli(env, "sync", SAMPLE_PROFILE_NAME, "--json")
        # Once the first process is writing contacts, it holds the account.
        assert log.first_import.wait(120)
        second = start_cli(env, "push", str(walk_ins), "--list", "Newsletter", "--json")
        assert second.stderr is not None
        waiting_line = second.stderr.readline()  # the second process says it waits
        log.gate.set()
        out2, err2 = second.communicate(timeout=180)
        out1, err1 = first.communicate(timeout=180)
    finally:
        log.gate.set()
        emulator.stop()
    assert first.returncode == EXIT_OK, err1
    assert second.returncode == EXIT_OK, err2
    assert json.loads(out1)["status"] == "completed"
    assert json.loads(out2)["counts"]["created"] == 2
    assert waiting_line.startswith(
        f'ContactBridge: Waiting for "{SAMPLE_PROFILE_NAME}" to finish syncing with this '
        "Constant Contact account (started "
    )
    assert waiting_line.rstrip().endswith(", from the command line).")
    assert "the Constant Contact account is free; starting." in err2
    # The emulator's log: the first process's calls, then the second's, never mixed.
    log.assert_one_at_a_time()
    turns = log.turns()
    assert len(turns) == 2 and turns[0] == log.first_import_token
    writers = [w.token for w in log.writes() if w.path == IMPORT_PATH]
    assert writers[0] == turns[0] and writers[-1] == turns[1]
