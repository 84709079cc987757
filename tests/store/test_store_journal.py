"""The undo journal: written with the run's records, settled once, gone with the run."""

from __future__ import annotations

import pytest

from app.core.store_types import PlannedRow, RecordAction
from app.store.journal_repo import FAILED, RESTORED, SKIPPED, JournalItem, JournalRepository
from app.store.repositories import ProfileRepository, RunRepository
from tests.store.builders import sample_profile


@pytest.fixture
def run_id(profiles: ProfileRepository, runs: RunRepository) -> int:
    saved = profiles.save(sample_profile())
    assert saved.id is not None
    return runs.start(saved.id)


def _row(key: str) -> PlannedRow:
    return PlannedRow(row=2, key=key, email=f"{key}@example.com", action=RecordAction.UPDATE)


def test_records_and_journal_are_one_transaction(runs: RunRepository, run_id: int) -> None:
    journal = JournalRepository()
    before = {"fields": {"first_name": "Ada"}, "list_ids": ["l1"], "permission": "explicit"}
    item = JournalItem("a", "update", "a@example.com", "c-1", before)
    broken = JournalItem("b", "update", "b@example.com", "c-2", {"bad": object()})
    with pytest.raises(TypeError):  # the journal cannot be written: neither are the records
        journal.add_with_records(runs, run_id, [_row("a"), _row("b")], [item, broken])
    assert runs.pending_count(run_id) == 0 and journal.entries(run_id) == []

    journal.add_with_records(runs, run_id, [_row("a")], [item])
    (entry,) = journal.entries(run_id)
    assert (entry.key, entry.before, entry.outcome) == ("a", before, None)
    assert runs.pending_count(run_id) == 1


def test_an_entry_is_settled_once(runs: RunRepository, run_id: int) -> None:
    journal = JournalRepository()
    journal.add(run_id, [JournalItem(k, "update", "", "", None) for k in "abc"])
    a, b, c = journal.entries(run_id)
    assert journal.settle(99, [(a.id, RESTORED, ""), (b.id, SKIPPED, "changed since")]) == 2
    # A second undo finds them settled and changes nothing; the third is settled now.
    assert journal.settle(100, [(a.id, FAILED, "x"), (c.id, FAILED, "refused")]) == 1
    got = {e.key: (e.outcome, e.reason, e.undo_run_id) for e in journal.entries(run_id)}
    assert got == {
        "a": (RESTORED, "", 99),
        "b": (SKIPPED, "changed since", 99),
        "c": (FAILED, "refused", 100),
    }


def test_journal_goes_with_its_run(runs: RunRepository, run_id: int) -> None:
    journal = JournalRepository()
    journal.add(run_id, [JournalItem("a", "create", "a@example.com", "", None)])
    assert journal.has_journal(run_id)
    runs.delete(run_id)
    assert not journal.has_journal(run_id)
