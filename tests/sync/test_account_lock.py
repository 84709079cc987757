"""The account lock: one sync activity per Constant Contact account, across threads and processes.

Waits end on events and on lines from the other process, never on a sleep.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from app.core.errors import Cancelled, RunLocked
from app.sync.locks import (
    UNKNOWN_WAITING,
    AccountBusy,
    AccountLock,
    Activity,
    Holder,
    Origin,
    account_key,
)
from app.sync.progress import CancelToken
from tests.sync.lock_holder import held_elsewhere

BAKERY = "Bakery customers → Newsletter"
TZ = timezone(timedelta(hours=-5))
NOW = datetime(2026, 3, 2, 11, 5, tzinfo=TZ)


@pytest.fixture
def lock_dir(tmp_path: Path) -> Path:
    return tmp_path / "locks"


def holder(activity=Activity.SYNC, profile=BAKERY, **kw) -> Holder:
    return Holder(activity, profile, started_at="2026-03-02T10:42:00-05:00", **kw)


# -- words -------------------------------------------------------------------------------------


def test_the_waiting_line_names_the_run_when_it_started_and_where():
    other = holder(origin=Origin.WINDOW, pid=4242)
    assert other.waiting_message(NOW, my_pid=1) == (
        'Waiting for "Bakery customers → Newsletter" to finish syncing with this Constant '
        "Contact account (started 10:42, in another ContactBridge window)."
    )
    assert "(started 10:42, in this window)" in other.waiting_message(NOW, my_pid=4242)
    cli = holder(origin=Origin.COMMAND_LINE, pid=4242)
    assert "from the command line)" in cli.waiting_message(NOW, my_pid=1)
    job = holder(origin=Origin.RUN_DUE, pid=4242)
    assert "by the scheduled background job)" in job.waiting_message(NOW, my_pid=1)
    # Started on another day: the day is said too.
    assert "(started 2 Mar 10:42," in other.waiting_message(NOW + timedelta(days=1), my_pid=1)


def test_the_lists_manager_and_other_activities_have_their_own_words():
    add = Holder(Activity.LIST_ADD, subject="VIP", started_at="2026-03-02T10:42:00-05:00", pid=9)
    assert add.waiting_message(NOW, my_pid=9) == (
        "Waiting for the lists manager to finish adding people to the list “VIP” in this "
        "Constant Contact account (started 10:42, in this window)."
    )
    dry = holder(Activity.DRY_RUN, pid=9)
    assert dry.busy_message(NOW, my_pid=1) == (
        'This Constant Contact account is busy: "Bakery customers → Newsletter" is doing a dry '
        "run with it (started 10:42, in another ContactBridge window)."
    )
    for activity in Activity:
        words = holder(activity, pid=9).waiting_message(NOW, my_pid=1)
        assert words.startswith("Waiting for ") and "this Constant Contact account" in words


# -- which account -----------------------------------------------------------------------------


def test_connections_to_one_account_share_a_key_and_unknown_accounts_use_the_connection():
    a = account_key(1, {"account_id": "a07e1xyz", "sandbox": False})
    b = account_key(2, {"account_id": "a07e1xyz"})
    assert a == b == "cc-a07e1xyz"
    assert account_key(3, {"account_id": "a07e1xyz", "sandbox": True}) != a
    assert account_key(4, {}) == "connection-4" != account_key(5, None)
    assert "/" not in account_key(6, {"account_id": "../../etc"})


# -- waiting -----------------------------------------------------------------------------------


def test_a_second_activity_waits_says_for_whom_then_runs(lock_dir):
    first = AccountLock(lock_dir, "cc-one")
    first.acquire(holder(pid=os.getpid()))
    notes: list[str] = []
    waiting = threading.Event()
    done = threading.Event()

    def on_wait(message: str) -> None:
        notes.append(message)
        if message:
            waiting.set()

    def second() -> None:
        lock = AccountLock(lock_dir, "cc-one")
        lock.acquire(Holder(Activity.LIST_ADD, subject="VIP"), on_wait=on_wait)
        done.set()
        lock.release()

    thread = threading.Thread(target=second)
    thread.start()
    assert waiting.wait(10)
    assert not done.is_set()  # it waits while the first holds the account
    assert notes[0].startswith('Waiting for "Bakery customers → Newsletter" to finish syncing')
    assert "in this window)" in notes[0]
    first.release()
    thread.join(10)
    assert done.is_set()
    assert notes[-1] == ""  # told once the wait was over


def test_no_wait_fails_fast_naming_the_holder(lock_dir):
    with AccountLock(lock_dir, "cc-one").holding(holder()), pytest.raises(AccountBusy) as caught:
        AccountLock(lock_dir, "cc-one").acquire(holder(Activity.RETRY), wait=False)
    assert isinstance(caught.value, RunLocked)  # the window and CLI already treat it so
    assert caught.value.holder is not None and caught.value.holder.profile == BAKERY
    assert caught.value.message.startswith(
        'This Constant Contact account is busy: "Bakery customers → Newsletter" is syncing'
    )
    # Free again: nothing was left behind.
    AccountLock(lock_dir, "cc-one").acquire(holder(), wait=False)


def test_other_accounts_do_not_wait(lock_dir):
    with AccountLock(lock_dir, "cc-one").holding(holder()):
        other = AccountLock(lock_dir, "cc-two")
        other.acquire(holder(), wait=False)
        other.release()


def test_cancel_ends_the_wait_and_takes_nothing(lock_dir):
    first = AccountLock(lock_dir, "cc-one")
    first.acquire(holder())
    cancel = CancelToken()
    failed: list[BaseException] = []

    def on_wait(message: str) -> None:
        if message:
            cancel.cancel()  # the user pressed Cancel while it waited

    def second() -> None:
        try:
            AccountLock(lock_dir, "cc-one").acquire(holder(), cancel=cancel, on_wait=on_wait)
        except Cancelled as exc:
            failed.append(exc)

    thread = threading.Thread(target=second)
    thread.start()
    thread.join(10)
    assert len(failed) == 1
    assert first.current_holder() is not None  # still the first one's
    first.release()


def test_waiters_in_one_process_go_first_come_first_served(lock_dir):
    first = AccountLock(lock_dir, "cc-one")
    first.acquire(holder())
    order: list[str] = []
    queued = [threading.Event() for _ in range(3)]

    def run(n: int) -> None:
        lock = AccountLock(lock_dir, "cc-one")
        lock.acquire(holder(profile=f"P{n}"), on_wait=lambda m: m and queued[n].set())
        order.append(f"P{n}")
        lock.release()

    threads = []
    for n in range(3):
        threads.append(threading.Thread(target=run, args=(n,)))
        threads[-1].start()
        assert queued[n].wait(10)  # P0 queued before P1 starts, and so on
    first.release()
    for t in threads:
        t.join(10)
    assert order == ["P0", "P1", "P2"]


# -- other processes ---------------------------------------------------------------------------


def test_a_holder_in_another_process_is_named_and_makes_us_wait(lock_dir):
    with held_elsewhere(lock_dir, "cc-one", BAKERY, "command line") as other:
        lock = AccountLock(lock_dir, "cc-one")
        seen = lock.current_holder()
        assert seen is not None and seen.pid == other.pid and seen.profile == BAKERY
        notes: list[str] = []

        def on_wait(message: str) -> None:
            notes.append(message)
            if message and len(notes) == 1:
                other.release()  # the other process finishes while we wait

        lock.acquire(holder(profile="Studio"), on_wait=on_wait)
        lock.release()
    assert "from the command line)" in notes[0]
    assert notes[-1] == ""


def test_a_killed_holder_releases_the_account_and_its_note_does_not_block(lock_dir):
    with held_elsewhere(lock_dir, "cc-one", BAKERY) as other:
        other.kill()  # no clean-up: its note stays behind
    note = lock_dir / "account-cc-one.holder.json"
    assert json.loads(note.read_text(encoding="utf-8"))["pid"] == other.pid
    lock = AccountLock(lock_dir, "cc-one")
    assert lock.current_holder() is None  # a note from a dead process names nobody
    lock.acquire(holder(profile="Studio"), wait=False)  # the OS lock is what counts
    assert lock.current_holder() is not None
    assert lock.current_holder().profile == "Studio"
    lock.release()
    assert not note.exists()


def test_a_stale_note_while_someone_unknown_holds_says_so_plainly(lock_dir):
    # A process that is gone left a note; someone else holds the lock without one yet.
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    first = AccountLock(lock_dir, "cc-one")
    first.acquire(holder())
    note = lock_dir / "account-cc-one.holder.json"
    note.write_text(holder(pid=int(dead.stdout)).to_json(), encoding="utf-8")
    with pytest.raises(AccountBusy) as caught:
        AccountLock(lock_dir, "cc-one").acquire(holder(), wait=False)
    assert caught.value.holder is None
    assert "another sync" in caught.value.message
    assert UNKNOWN_WAITING.startswith("Waiting for another sync with this Constant Contact")
    first.release()
