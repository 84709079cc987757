"""Stopped runs pick up where they stopped: cancel, the daily quota, and a failed activity.

A resumed run must finish the same run, never import a chunk twice, never leave a duplicate
contact in Constant Contact, and end with counts that add up to the rows of the file.
"""

from __future__ import annotations

from collections import Counter

import pytest

from app.cli import EXIT_FAILED_RECORDS, EXIT_OK, exit_code
from app.core.outcomes import Outcome, RunStatus
from app.sync import engine, engine_push
from app.sync.engine import IMPORT
from app.sync.progress import CancelToken
from tests.sync.conftest import IMPORT_KEY, Bakery, PhaseReporter

CHUNK = 60  # the sample's 239 import items make 4 chunks


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Imports of at most 60 contacts, so a run has several chunks to stop between."""
    real = engine.ChunkAssigner
    monkeypatch.setattr(engine, "ChunkAssigner", lambda: real(max_count=CHUNK))


def assert_complete(bakery: Bakery, summary, expected_created: set[str]) -> None:
    """The run finished, its counts add up, and Constant Contact holds each person once."""
    assert summary.status is RunStatus.COMPLETED
    assert summary.counts.total == len(bakery.rows())
    assert summary.counts.failed == 0
    created = {r.email for r in bakery.results(summary).values() if r.outcome is Outcome.CREATED}
    assert created == expected_created
    emails = Counter(bakery.contact_emails())
    assert [e for e, n in emails.items() if n > 1] == []
    assert bakery.pushable_emails() - {"alan.turing@example.com"} <= bakery.on_list()


def new_emails(bakery: Bakery) -> set[str]:
    return bakery.pushable_emails() - set(bakery.contact_emails())


def test_cancel_while_an_import_is_in_flight_then_resume(bakery):
    expected = new_emails(bakery)
    bakery.emulator.runner.delay = 1.0  # the import stays in progress long enough to cancel
    cancel = CancelToken()

    def on_advance(phase: str, done: int, total: int) -> None:
        if phase == IMPORT:
            cancel.cancel()

    stopped = bakery.run(reporter=PhaseReporter(on_advance), cancel=cancel)

    assert stopped.status is RunStatus.CANCELLED
    assert "pick up where it stopped" in stopped.message
    assert bakery.imports_started() == 1
    assert exit_code(stopped) == EXIT_FAILED_RECORDS

    bakery.emulator.runner.delay = 0.0
    resumed = bakery.run()

    assert resumed.run_id == stopped.run_id
    assert bakery.imports_started() == 1  # the import in flight was awaited, not resent
    assert_complete(bakery, resumed, expected)
    history = bakery.service.runs.history(bakery.profile.id)
    assert [r.run_id for r in history] == [resumed.run_id]
    assert sum(r.counts.created for r in history) == len(expected)


@pytest.mark.parametrize("ahead", [1, 3], ids=["one-at-a-time", "three-ahead"])
def test_cancel_between_chunks_then_resume_sends_only_the_rest(
    bakery, small_chunks, monkeypatch, ahead
):
    """Cancel stops the sending at once. What was sent already (one import at a time, or
    several ahead) Constant Contact finishes anyway: the resumed run waits for it and
    records it without sending it again, then sends the rest."""
    monkeypatch.setattr(engine_push, "MAX_IN_FLIGHT", ahead)
    expected = new_emails(bakery)
    cancel = CancelToken()

    def on_advance(phase: str, done: int, total: int) -> None:
        if phase == IMPORT and done >= CHUNK:
            cancel.cancel()

    stopped = bakery.run(reporter=PhaseReporter(on_advance), cancel=cancel)

    assert stopped.status is RunStatus.CANCELLED
    assert bakery.imports_started() == ahead
    done_so_far = stopped.counts.created + stopped.counts.updated
    if ahead == 1:
        # The history shows what the first chunk did; the rest is still to do.
        assert done_so_far == CHUNK
        assert len(bakery.on_list()) == CHUNK
    else:
        assert done_so_far in (0, CHUNK, 2 * CHUNK, 3 * CHUNK)  # whole chunks recorded
        assert len(bakery.on_list()) <= 3 * CHUNK

    resumed = bakery.run()

    assert resumed.run_id == stopped.run_id
    assert bakery.imports_started() == 4
    assert_complete(bakery, resumed, expected)
    history = bakery.service.runs.history(bakery.profile.id)
    assert sum(r.counts.created for r in history) == len(expected)


def test_cancel_with_imports_in_flight_then_resume_waits_for_them(bakery, small_chunks):
    """Cancelled while three imports are still in Constant Contact's hands: none is
    recorded yet, and the resumed run records all three (unsent again) and sends the last."""
    expected = new_emails(bakery)
    bakery.emulator.runner.delay = 1.0  # the imports stay in progress long enough to cancel
    cancel = CancelToken()

    def on_advance(phase: str, done: int, total: int) -> None:
        if phase == IMPORT:
            cancel.cancel()

    stopped = bakery.run(reporter=PhaseReporter(on_advance), cancel=cancel)

    assert stopped.status is RunStatus.CANCELLED
    assert bakery.imports_started() == engine_push.MAX_IN_FLIGHT == 3
    assert stopped.counts.created + stopped.counts.updated == 0

    bakery.emulator.runner.delay = 0.0
    resumed = bakery.run()

    assert resumed.run_id == stopped.run_id
    assert bakery.imports_started() == 4
    assert_complete(bakery, resumed, expected)


@pytest.mark.parametrize(
    "pattern",
    [IMPORT_KEY, "GET /v3/activities/*"],
    ids=["starting-the-import", "while-waiting-for-it"],
)
def test_daily_quota_pauses_the_run_and_it_resumes(bakery, pattern):
    expected = new_emails(bakery)
    bakery.emulator.faults.force(pattern, "quota_exceeded")

    paused = bakery.run()

    assert paused.status is RunStatus.PAUSED
    assert "00:00 UTC" in paused.message
    assert exit_code(paused) == EXIT_FAILED_RECORDS
    imports_before = bakery.imports_started()

    resumed = bakery.run()

    assert resumed.run_id == paused.run_id
    assert_complete(bakery, resumed, expected)
    assert bakery.imports_started() == 1
    assert imports_before == (0 if pattern == IMPORT_KEY else 1)


def test_failed_activity_fails_its_chunk_and_the_next_run_retries_it(bakery, small_chunks):
    expected = new_emails(bakery)
    bakery.emulator.faults.fail_next_activity("failed", ["The import file could not be read."])

    summary = bakery.run()

    assert summary.status is RunStatus.COMPLETED_WITH_ERRORS
    assert exit_code(summary) == EXIT_FAILED_RECORDS
    assert summary.counts.failed == CHUNK
    assert summary.counts.total == len(bakery.rows())
    failed = [r for r in bakery.results(summary).values() if r.outcome is Outcome.FAILED]
    assert {r.reason for r in failed} == {
        "Constant Contact could not import: The import file could not be read."
    }
    in_cc = set(bakery.contact_emails())
    assert not {r.email for r in failed} & (expected & in_cc)  # none of them got there
    assert expected - {r.email for r in failed} <= in_cc  # the other chunks did

    again = bakery.run()

    assert again.run_id != summary.run_id
    assert again.status is RunStatus.COMPLETED
    assert exit_code(again) == EXIT_OK
    retried = bakery.results(again)
    assert {retried[r.key].outcome for r in failed} <= {Outcome.CREATED, Outcome.UPDATED}
    assert again.counts.created + again.counts.updated == CHUNK
    assert [e for e, n in Counter(bakery.contact_emails()).items() if n > 1] == []
    assert expected <= bakery.on_list()


def test_a_run_resumed_hours_later_counts_only_the_time_it_ran(bakery, monkeypatch):
    """Cancelled (as "Cancel and quit" does), the app closed three hours, then resumed: the
    run's times stay true, and its duration leaves the three hours out."""
    from datetime import UTC, datetime, timedelta

    from app.store import runs_repo

    closed = timedelta()

    def store_clock() -> str:
        return (datetime.now(UTC) + closed).isoformat(timespec="seconds")

    monkeypatch.setattr(runs_repo, "now_text", store_clock)
    bakery.emulator.runner.delay = 1.0
    cancel = CancelToken()

    def on_advance(phase: str, done: int, total: int) -> None:
        if phase == IMPORT:
            cancel.cancel()

    stopped = bakery.run(reporter=PhaseReporter(on_advance), cancel=cancel)
    assert stopped.status is RunStatus.CANCELLED
    ran_before = stopped.seconds_taken()
    assert ran_before is not None and ran_before < 60

    closed = timedelta(hours=3)  # ContactBridge stayed closed
    bakery.emulator.runner.delay = 0.0
    resumed = bakery.run()

    assert resumed.run_id == stopped.run_id and resumed.status is RunStatus.COMPLETED
    wall = datetime.fromisoformat(resumed.finished_at) - datetime.fromisoformat(resumed.started_at)
    assert wall >= timedelta(hours=3)
    taken = resumed.seconds_taken()
    assert taken is not None and ran_before <= taken < 120
