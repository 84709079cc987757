"""One sync activity at a time per Constant Contact account, through the real service.

Two profiles sign in to the sandbox's one account through two connections (so two tokens):
the emulator's request log shows whose calls came when. Waits end on events and signals.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from app.connectors.xero.connector import SAMPLE_PROFILE as XERO_PROFILE_NAME
from app.core.errors import Cancelled, RunLocked
from app.core.outcomes import RunStatus
from app.core.schedule import Schedule, ScheduleKind
from app.sandbox.constant_contact.signup import ACCOUNT
from app.sandbox.samples import SAMPLE_PROFILE_NAME
from app.sync.locks import Activity, Holder
from app.sync.progress import CancelToken
from tests.sync.conftest import Bakery
from tests.sync.lock_holder import held_elsewhere
from tests.sync.request_log import IMPORT_PATH, RequestLog

STUDIO = "Studio members → Classes"


@pytest.fixture
def log(monkeypatch: pytest.MonkeyPatch) -> RequestLog:
    return RequestLog().install(monkeypatch)


@pytest.fixture
def studio(bakery: Bakery):  # type: ignore[no-untyped-def]
    """A second profile on the same account, through a second connection (another token)."""
    service = bakery.service
    second = service.connections.connect_constant_contact("Second sign-in")
    first = service.connections.connection(bakery.profile.connection_id)
    assert second.id != first.id
    assert service.runs.account_lock(second.id).key == service.runs.account_lock(first.id).key
    return service.store.profiles.save(
        bakery.profile.with_changes(
            id=None, name=STUDIO, main_list="Classes", connection_id=second.id
        )
    )


def test_two_runs_on_one_account_take_turns_and_the_second_says_why(bakery, studio, log):
    service = bakery.service
    log.gate = threading.Event()  # the bakery's import lasts until the studio waits
    outcomes: dict[str, object] = {}
    notes: list[str] = []
    waited = threading.Event()

    def run(name: str, pid: int) -> None:
        def on_wait(message: str) -> None:
            notes.append(message)
            waited.set()
            log.gate.set()

        outcomes[name] = service.runs.sync(pid, on_wait=on_wait)

    first = threading.Thread(target=run, args=("bakery", bakery.profile.id))
    first.start()
    assert log.first_import.wait(30)  # the bakery run is writing: it holds the account
    second = threading.Thread(target=run, args=("studio", studio.id))
    second.start()
    assert waited.wait(30)
    first.join(60)
    second.join(60)

    assert outcomes["bakery"].status is RunStatus.COMPLETED
    assert outcomes["studio"].status is RunStatus.COMPLETED
    assert notes[0].startswith(
        'Waiting for "Bakery customers → Newsletter" to finish syncing with this Constant '
        "Contact account (started "
    )
    assert notes[0].endswith(", in this window).")
    assert notes[-1] == ""
    # The request log: the bakery's calls, then the studio's, never mixed.
    log.assert_one_at_a_time()
    assert log.turns()[0] == log.first_import_token
    assert len(log.turns()) == 2
    assert {w.path for w in log.writes()} >= {IMPORT_PATH}


def test_the_same_profile_twice_is_refused_not_queued(bakery):
    service = bakery.service
    with service.runs.account_lock(bakery.profile.connection_id).holding(
        Holder(Activity.SYNC, STUDIO)
    ):
        cancel = CancelToken()
        started = threading.Event()
        failures: list[BaseException] = []

        def waiting_run() -> None:
            try:
                service.runs.sync(
                    bakery.profile.id, cancel=cancel, on_wait=lambda m: m and started.set()
                )
            except Exception as exc:
                failures.append(exc)

        thread = threading.Thread(target=waiting_run)
        thread.start()
        assert started.wait(30)  # queued behind the studio: it holds the profile meanwhile
        with pytest.raises(RunLocked) as caught:
            service.runs.sync(bakery.profile.id)
        assert "already syncing (or waiting to)" in caught.value.message
        assert service.runs.is_running(bakery.profile.id)
        cancel.cancel()
        thread.join(30)
    assert [type(e).__name__ for e in failures] == ["Cancelled"]
    assert service.store.runs.history(bakery.profile.id) == []  # nothing ran, nothing recorded


def test_adding_to_a_list_waits_for_a_sync_in_another_process(bakery, log):
    service = bakery.service
    conn_id = bakery.profile.connection_id
    newsletter = service.lists.create(conn_id, "Newsletter")
    records = service.profiles.source_records(bakery.profile.id, 5)
    lock = service.runs.account_lock(conn_id)
    notes: list[str] = []
    with held_elsewhere(service.home / "locks", lock.key, SAMPLE_PROFILE_NAME) as other:

        def on_wait(message: str) -> None:
            notes.append(message)
            if len(notes) == 1:
                other.release()  # the other window's sync finishes

        result = service.lists.add_records(
            conn_id,
            newsletter.list_id,
            bakery.profile.id,
            records,
            list_name="Newsletter",
            on_wait=on_wait,
        )
    assert notes[0].startswith(
        'Waiting for "Bakery customers → Newsletter" to finish syncing with this Constant '
        "Contact account (started "
    )
    assert notes[0].endswith(", in another ContactBridge window).")
    assert result.added  # it went ahead once the account was free
    assert any(w.path == IMPORT_PATH for w in log.writes())


def test_removing_from_a_list_fails_fast_only_when_asked(bakery):
    service = bakery.service
    conn_id = bakery.profile.connection_id
    lock = service.runs.account_lock(conn_id)
    with held_elsewhere(service.home / "locks", lock.key, SAMPLE_PROFILE_NAME, "run-due"):
        notes: list[str] = []
        cancel = CancelToken()

        def on_wait(message: str) -> None:
            notes.append(message)
            cancel.cancel()  # the user closed the dialog while it waited

        with pytest.raises(Cancelled):
            service.lists.remove_members(
                conn_id, "any-list", ["c1"], cancel, list_name="VIP", on_wait=on_wait
            )
    assert "by the scheduled background job)." in notes[0]


def test_scheduled_runs_queue_behind_another_process_then_run_in_turn(qtbot, bakery):
    from app.sync.scheduler import Scheduler
    from app.sync.workers import SyncRunner

    service = bakery.service
    every_15 = Schedule(ScheduleKind.INTERVAL, every_minutes=15)
    # Two profiles on one account, both on a schedule the user chose: two runs, one account.
    xero = service.profiles.named(XERO_PROFILE_NAME)
    for profile in (bakery.profile, xero):
        service.store.profiles.save(profile.with_changes(schedule=every_15))
    due = {bakery.profile.id, xero.id}
    lock = service.runs.account_lock(bakery.profile.connection_id)
    runner = SyncRunner(service)
    scheduler = Scheduler(service, runner, max_wait=timedelta(seconds=60))
    messages: dict[int, list[str]] = {pid: [] for pid in due}
    finished: list[tuple[int, RunStatus]] = []
    failures: list[object] = []
    runner.run_waiting.connect(lambda pid, m: messages[pid].append(m))
    runner.run_finished.connect(lambda pid, summary, rows: finished.append((pid, summary.status)))
    runner.run_failed.connect(lambda *a: failures.append(a))
    try:
        with held_elsewhere(service.home / "locks", lock.key, STUDIO, "command line") as other:
            scheduler.start()
            qtbot.waitUntil(lambda: set(runner.waiting()) == due, timeout=30_000)
            for pid in due:
                assert messages[pid][0].startswith(f'Waiting for "{STUDIO}" to finish syncing')
                assert messages[pid][0].endswith(", from the command line).")
            # Looking again meanwhile starts nothing more: they are queued, not failed.
            with qtbot.waitSignal(scheduler.checked, timeout=10_000):
                scheduler.check()
            assert runner.running_ids() == due
            other.release()
            qtbot.waitUntil(lambda: len(finished) == len(due), timeout=60_000)
        assert failures == []
        assert sorted(finished) == sorted((pid, RunStatus.COMPLETED) for pid in due)
        # The one that went second waited for the first, in this window, by name.
        second = finished[1][0]
        first_name = service.profiles.get(finished[0][0]).name
        assert any(m.startswith(f'Waiting for "{first_name}"') for m in messages[second])
        runs = [service.store.runs.history(pid)[0] for pid in (finished[0][0], second)]
        assert runs[0].finished_at <= runs[1].started_at
    finally:
        scheduler.stop()
        runner.shutdown()


def test_an_older_connection_learns_its_account_once_there_are_two(bakery):
    service = bakery.service
    first = bakery.profile.connection_id
    service.store.connections.update_settings(first, {"account_id": None})  # connected before ids
    assert service.runs.account_lock(first).key == f"connection-{first}"  # alone: it is the account
    second = service.connections.connect_constant_contact("Second sign-in")
    key = service.runs.account_lock(first).key  # two now: ask Constant Contact which account
    assert key == service.runs.account_lock(second.id).key != f"connection-{first}"
    assert (
        service.connections.connection(first).settings["account_id"]
        == ACCOUNT["encoded_account_id"]
    )
