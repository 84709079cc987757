"""RunRepository: lifecycle, history, resume, and bulk record operations."""

from __future__ import annotations

import time
from collections import Counter

import pytest

from app.core.outcomes import Outcome, RecordResult, RunCounts, RunStatus
from app.core.store_types import Link, PlannedRow, RecordAction
from app.store import models as m
from app.store.db import db
from app.store.repositories import LinkRepository, ProfileRepository, RunRepository
from tests.store.builders import sample_profile

ACTIONS = [RecordAction.CREATE, RecordAction.UPDATE, RecordAction.UNCHANGED, RecordAction.SKIP]


@pytest.fixture
def profile_id(profiles: ProfileRepository) -> int:
    saved = profiles.save(sample_profile())
    assert saved.id is not None
    return saved.id


def planned(n: int, chunk_size: int = 500) -> list[PlannedRow]:
    """``n`` rows cycling through the actions; only creates and updates carry a payload."""
    rows = []
    for i in range(n):
        action = ACTIONS[i % 4]
        sent = action in (RecordAction.CREATE, RecordAction.UPDATE)
        rows.append(
            PlannedRow(
                row=i + 2,
                key=f"key-{i}",
                email=f"Person{i}@Example.com",
                action=action,
                outcome=None if sent else Outcome.UNCHANGED if i % 4 == 2 else Outcome.SKIPPED,
                reason="" if sent else "no change" if i % 4 == 2 else "no email",
                matched_existing=action is RecordAction.UPDATE,
                payload={"email": f"person{i}@example.com", "list_memberships": ["l1"]}
                if sent
                else None,
                chunk=i // chunk_size if sent else None,
            )
        )
    return rows


def test_lifecycle(runs: RunRepository, profile_id: int) -> None:
    run_id = runs.start(profile_id)
    summary = runs.get(run_id)
    assert summary is not None
    assert summary.status is RunStatus.RUNNING and summary.profile_name == "Newsletter"
    assert summary.started_at and not summary.finished_at and not summary.dry_run

    runs.set_phase(run_id, "Sending")
    runs.set_status(run_id, RunStatus.PAUSED, "Daily limit reached")
    runs.set_status(run_id, RunStatus.RUNNING)  # None keeps the message
    runs.save_checkpoint(run_id, {"chunk": 3, "activity": "a-1"})
    runs.update_counts(run_id, RunCounts(created=5))
    mid = runs.get(run_id)
    assert mid is not None
    assert (mid.phase, mid.status, mid.message) == (
        "Sending",
        RunStatus.RUNNING,
        "Daily limit reached",
    )
    assert mid.counts == RunCounts(created=5)
    assert runs.checkpoint(run_id) == {"chunk": 3, "activity": "a-1"}

    done = runs.finish(
        run_id, RunStatus.COMPLETED, RunCounts(created=7, failed=1), "ok", {"api": 9}
    )
    assert done.status is RunStatus.COMPLETED and done.finished_at
    assert done.counts == RunCounts(created=7, failed=1) and done.counts.total == 8
    assert (done.message, done.extra) == ("ok", {"api": 9})
    assert m.Run.get_by_id(run_id).total == 8  # the stored total column adds up too
    assert runs.get(9999) is None and runs.checkpoint(9999) == {}


def test_ten_thousand_records_add_up(runs: RunRepository, profile_id: int) -> None:
    run_id = runs.start(profile_id)
    rows = planned(10_000)
    assert runs.add_records(run_id, iter(rows)) == 10_000
    assert runs.action_counts(run_id) == {a.value: 2500 for a in ACTIONS}
    assert runs.counts(run_id) == RunCounts(unchanged=2500, skipped=2500)
    assert runs.pending_count(run_id) == 5000
    chunks = runs.chunks_pending(run_id)
    assert chunks == list(range(20))

    payloads = runs.iter_chunk_payloads(run_id, 0)
    assert len(payloads) == 250 and payloads[0][1] == {
        "email": "person0@example.com",
        "list_memberships": ["l1"],
    }
    ids = [rid for rid, _ in payloads]
    assert ids == sorted(ids)

    # Chunk 0: two by record id, one by email (any case), the rest by their planned action.
    runs.set_outcomes(run_id, [(ids[0], Outcome.FAILED, "bad address", None)])
    runs.set_outcomes(run_id, [("key-1", Outcome.UPDATED, None, "c-1")])
    assert runs.fail_records_by_email(run_id, 0, {"PERSON4@example.com": "blocked"}) == 1
    assert runs.fail_records_by_email(run_id, 0, {"person9999@example.com": "x"}) == 0
    assert runs.finalize_chunk(run_id, 0) == 247
    # Chunk 1 failed as a whole; every other chunk succeeds.
    assert runs.set_chunk_outcome(run_id, 1, Outcome.FAILED, "import failed") == 250
    for chunk in chunks[2:]:
        runs.finalize_chunk(run_id, chunk)

    assert runs.chunks_pending(run_id) == []
    assert runs.pending_count(run_id) == 0
    counts = runs.counts(run_id)
    results = runs.results(run_id)
    assert counts.total == len(results) == 10_000
    assert counts == RunCounts.of(r.outcome for r in results)
    assert counts.failed == 2 + 250
    assert counts.created + counts.updated == 5000 - counts.failed
    assert Counter(runs.failed_keys(run_id))["key-0"] == 1
    assert set(runs.failed_keys(run_id)) == {r.key for r in results if r.outcome is Outcome.FAILED}

    by_key = {r.key: r for r in results}
    assert by_key["key-0"] == RecordResult(
        2, "key-0", "Person0@Example.com", Outcome.FAILED, "bad address", action="create"
    )
    assert by_key["key-1"].contact_id == "c-1" and by_key["key-1"].matched_existing
    assert by_key["key-4"].reason == "blocked"
    assert by_key["key-2"].reason == "no change"
    assert [r.row for r in results] == [r.row for r in rows]  # plan order
    assert len(runs.results(run_id, Outcome.FAILED)) == 252

    finished = runs.finish(run_id, RunStatus.COMPLETED_WITH_ERRORS)  # counts from the records
    assert finished.counts == counts


def test_set_outcomes_none_keeps_reason_and_contact(runs: RunRepository, profile_id: int) -> None:
    run_id = runs.start(profile_id)
    runs.add_records(
        run_id, [PlannedRow(2, "k", "k@x", "update", reason="planned", contact_id="c")]
    )
    assert runs.set_outcomes(run_id, [("k", Outcome.UPDATED, None, None)]) == 1
    assert runs.results(run_id) == [
        RecordResult(2, "k", "k@x", Outcome.UPDATED, "planned", "c", action="update")
    ]
    runs.set_outcomes(run_id, [("k", Outcome.FAILED, "gone", "")])
    assert runs.results(run_id) == [
        RecordResult(2, "k", "k@x", Outcome.FAILED, "gone", "", action="update")
    ]


def test_add_records_inside_atomic_is_all_or_nothing(runs: RunRepository, profile_id: int) -> None:
    run_id = runs.start(profile_id)

    def rows_then_crash():
        yield from planned(2500)
        raise RuntimeError("source broke")

    with pytest.raises(RuntimeError), db.atomic():
        runs.add_records(run_id, rows_then_crash())
    assert runs.action_counts(run_id) == {}


def test_history_last_and_resumable(runs: RunRepository, profile_id: int) -> None:
    assert runs.history(profile_id) == [] and runs.last_run(profile_id) is None
    assert runs.resumable_run(profile_id) is None

    first = runs.start(profile_id)
    runs.finish(first, RunStatus.COMPLETED, RunCounts())
    cancelled = runs.start(profile_id)
    runs.finish(cancelled, RunStatus.CANCELLED, RunCounts())
    dry = runs.start(profile_id, dry_run=True)
    runs.finish(dry, RunStatus.DRY_RUN, RunCounts())

    assert [r.run_id for r in runs.history(profile_id)] == [dry, cancelled, first]
    assert [r.run_id for r in runs.history(profile_id, limit=2)] == [dry, cancelled]
    assert runs.last_run(profile_id).run_id == dry  # type: ignore[union-attr]
    assert runs.last_run(profile_id).dry_run  # type: ignore[union-attr]
    # The dry run after the cancelled run does not hide it.
    assert runs.resumable_run(profile_id).run_id == cancelled  # type: ignore[union-attr]

    # A dry run that stopped early is never resumable.
    stopped_dry = runs.start(profile_id, dry_run=True)
    runs.set_status(stopped_dry, RunStatus.CANCELLED)
    assert runs.resumable_run(profile_id).run_id == cancelled  # type: ignore[union-attr]

    # A crashed run (still RUNNING) is resumable; a completed later run supersedes it.
    crashed = runs.start(profile_id)
    assert runs.resumable_run(profile_id).run_id == crashed  # type: ignore[union-attr]
    later = runs.start(profile_id)
    runs.finish(later, RunStatus.COMPLETED, RunCounts())
    assert runs.resumable_run(profile_id) is None

    assert runs.prune(profile_id, keep=2) == 4
    assert [r.run_id for r in runs.history(profile_id)] == [later, crashed]


def test_runs_of_other_profiles_stay_apart(
    runs: RunRepository, profiles: ProfileRepository, profile_id: int
) -> None:
    other = profiles.save(sample_profile("Other")).id
    assert other is not None
    mine = runs.start(profile_id)
    runs.set_status(mine, RunStatus.FAILED)
    runs.start(other)
    assert runs.resumable_run(profile_id).run_id == mine  # type: ignore[union-attr]
    assert [r.profile_name for r in runs.history(other)] == ["Other"]


def test_deleting_a_profile_cascades(
    runs: RunRepository, links: LinkRepository, profiles: ProfileRepository, profile_id: int
) -> None:
    keep = profiles.save(sample_profile("Keep")).id
    assert keep is not None
    for pid in (profile_id, keep):
        run_id = runs.start(pid)
        runs.add_records(run_id, planned(100))
        links.upsert_many(pid, [Link("k", "c", "k@x", "fp")])

    profiles.delete(profile_id)

    assert m.Run.select().where(m.Run.profile == profile_id).count() == 0
    assert m.Run.select().count() == 1
    assert m.RunRecord.select().count() == 100
    assert links.load(profile_id) == {} and len(links.load(keep)) == 1


def test_deleting_a_run_removes_its_records(runs: RunRepository, profile_id: int) -> None:
    run_id = runs.start(profile_id)
    runs.add_records(run_id, planned(10))
    runs.delete(run_id)
    assert runs.get(run_id) is None and m.RunRecord.select().count() == 0


@pytest.mark.slow
def test_perf_add_records_100k(runs: RunRepository, profile_id: int) -> None:
    run_id = runs.start(profile_id)
    rows = planned(100_000, chunk_size=5000)
    started = time.perf_counter()
    added = runs.add_records(run_id, rows)
    spent = time.perf_counter() - started
    started = time.perf_counter()
    counts = runs.counts(run_id)
    results = runs.results(run_id)
    read = time.perf_counter() - started
    print(f"add_records 100,000 rows: {spent:.2f} s; counts + results: {read:.2f} s")
    assert added == 100_000
    assert counts.total == len(results) == 50_000


def test_engine_chunk_helpers(runs: RunRepository, profile_id: int) -> None:
    run_id = runs.start(profile_id)
    rows = [
        PlannedRow(
            2,
            "a",
            "a@x.com",
            RecordAction.CREATE,
            payload={"email": "a@x.com"},
            chunk=0,
            fingerprint="fa",
        ),
        PlannedRow(
            3,
            "b",
            "B@x.com",
            RecordAction.UPDATE,
            contact_id="cb",
            payload={"email": "b@x.com"},
            chunk=0,
            fingerprint="fb",
        ),
        PlannedRow(
            4,
            "c",
            "c@x.com",
            RecordAction.CREATE,
            payload={"email": "c@x.com"},
            chunk=0,
            fingerprint="fc",
        ),
        PlannedRow(
            5,
            "d",
            "d@x.com",
            RecordAction.CREATE,
            payload={"email": "d@x.com"},
            chunk=0,
            fingerprint="fd",
        ),
        PlannedRow(6, "e", "e@x.com", RecordAction.UNSUBSCRIBE, contact_id="ce"),
        PlannedRow(7, "f", "f@x.com", RecordAction.UNSUBSCRIBE, contact_id="cf"),
    ]
    runs.add_records(run_id, rows)
    assert runs.count_items(run_id) == 4
    pending = runs.pending_by_action(run_id, RecordAction.UNSUBSCRIBE)
    assert [contact for _, contact in pending] == ["ce", "cf"]
    (e_id, _), (f_id, _) = pending
    b_id = runs.iter_chunk_payloads(run_id, 0)[1][0]

    changed = runs.fail_records_by_email(
        run_id,
        0,
        {
            "c@x.com": "Constant Contact refused it: bad: address",
            "D@X.COM": "skipped:Unsubscribed in Constant Contact",
        },
    )
    assert changed == 2
    assert runs.fail_records_by_email(run_id, 0, {"b@x.com": (Outcome.SKIPPED, "why")}) == 1
    runs.set_record_outcome(b_id, Outcome.UPDATED)  # back to a success, keeping the reason
    assert runs.finalize_chunk(run_id, 0) == 1  # only "a" was still pending

    successes = runs.chunk_successes(run_id, 0)
    assert [(r.key, r.contact_id, r.email, r.fingerprint) for r in successes] == [
        ("a", "", "a@x.com", "fa"),
        ("b", "cb", "B@x.com", "fb"),
    ]
    assert successes[0] == PlannedRow(
        2,
        "a",
        "a@x.com",
        "create",
        Outcome.CREATED,
        payload={"email": "a@x.com"},
        chunk=0,
        fingerprint="fa",
    )
    by_key = {r.key: r for r in runs.results(run_id)}
    assert (by_key["c"].outcome, by_key["c"].reason) == (
        Outcome.FAILED,
        "Constant Contact refused it: bad: address",
    )
    assert (by_key["d"].outcome, by_key["d"].reason) == (
        Outcome.SKIPPED,
        "Unsubscribed in Constant Contact",
    )
    assert (by_key["b"].outcome, by_key["b"].reason) == (Outcome.UPDATED, "why")

    runs.set_record_outcome(e_id, Outcome.UPDATED, None)
    runs.set_record_outcome(f_id, Outcome.FAILED, "not found")
    assert runs.pending_by_action(run_id, "unsubscribe") == []
    assert runs.counts(run_id) == RunCounts(created=1, updated=2, skipped=1, failed=2)


def test_delete_records_to_plan_again(runs: RunRepository, profile_id: int) -> None:
    run_id = runs.start(profile_id)
    other = runs.start(profile_id)
    runs.add_records(run_id, planned(25_000))
    runs.add_records(other, planned(10))
    assert runs.delete_records(run_id) == 25_000
    assert runs.action_counts(run_id) == {} and runs.get(run_id) is not None
    assert sum(runs.action_counts(other).values()) == 10


class Clock:
    """The store's clock, moved by hand."""

    def __init__(self) -> None:
        self.at = 0

    def __call__(self) -> str:
        from datetime import UTC, datetime, timedelta

        start = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
        return (start + timedelta(seconds=self.at)).isoformat(timespec="seconds")


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr("app.store.runs_repo.now_text", clock)
    return clock


def test_a_run_resumed_after_a_close_counts_only_the_time_it_ran(
    runs: RunRepository, profile_id: int, clock: Clock
) -> None:
    run_id = runs.start(profile_id)
    runs.set_status(run_id, RunStatus.RUNNING, "")  # the engine's first step, as it starts
    clock.at = 90
    runs.finish(run_id, RunStatus.CANCELLED, RunCounts())  # "Cancel and quit"
    assert runs.get(run_id).seconds_taken() == 90  # type: ignore[union-attr]

    clock.at = 90 + 3 * 3600  # the app stayed closed three hours
    runs.set_status(run_id, RunStatus.RUNNING, "Resumed")
    clock.at += 30
    runs.update_counts(run_id, RunCounts(created=1))
    clock.at += 15
    summary = runs.finish(run_id, RunStatus.COMPLETED, RunCounts(created=1))

    assert summary.seconds_taken() == 90 + 45  # the three hours closed do not count
    assert summary.finished_at > summary.started_at  # the times themselves stay true


def test_a_crash_counts_up_to_the_runs_last_write(
    runs: RunRepository, profile_id: int, clock: Clock
) -> None:
    run_id = runs.start(profile_id)
    clock.at = 40
    runs.set_phase(run_id, "import")  # its last write before the process died
    clock.at = 7200  # the next sync, two hours later, resumes it
    runs.set_status(run_id, RunStatus.RUNNING, "Resumed")
    clock.at += 20
    summary = runs.finish(run_id, RunStatus.COMPLETED, RunCounts())
    assert summary.seconds_taken() == 60
