"""Changes made in Constant Contact to linked contacts, back into the source (an option).

A writable in-memory source plays the CRM; Constant Contact is the emulator, over HTTP.
"""

from __future__ import annotations

from app.core.outcomes import Outcome, RunStatus
from app.core.store_types import RecordAction
from app.sandbox.constant_contact import contact_store as store
from app.sync.import_planner import BackReason
from tests.sync.two_way import counts_add_up


def edit_in_cc(tw, email: str, **changes: str) -> None:  # type: ignore[no-untyped-def]
    """Someone edits the contact in Constant Contact, a moment later."""
    tw.tick()
    now = tw.emulator.clock()
    with tw.emulator.state.tx() as conn:
        contact_id, doc = store.find_by_email(conn, email)
        doc.update(changes)
        store.touch(doc, now)
        store.update(conn, contact_id, doc)


def linked_person(tw) -> str:  # type: ignore[no-untyped-def]
    """A source record pushed to Constant Contact (so linked, with its values last sent)."""
    key = tw.source.add("ada@example.com", "Ada", "Lovelace", "Engines")
    first = tw.run()
    assert first.status is RunStatus.COMPLETED
    assert tw.emulator.get_contact("ada@example.com")["first_name"] == "Ada"
    return key


def update_rows(tw, summary):  # type: ignore[no-untyped-def]
    return [r for r in tw.results(summary, "import") if r.action == RecordAction.IMPORT_UPDATE]


def test_off_by_default_cc_changes_do_not_reach_the_source(two_way):
    tw = two_way.setup(import_from_cc=True)
    key = linked_person(tw)
    edit_in_cc(tw, "ada@example.com", first_name="Augusta")
    tw.source.writes.clear()

    summary = tw.run()

    assert summary.status is RunStatus.COMPLETED
    assert tw.source.records[key]["First"] == "Ada"
    assert ("update", 1) not in tw.source.writes
    assert update_rows(tw, summary) == []
    counts_add_up(tw.service, summary)


def test_on_a_cc_change_updates_the_source_once(two_way):
    tw = two_way.setup(import_from_cc=True, import_updates_existing=True)
    key = linked_person(tw)
    edit_in_cc(tw, "ada@example.com", first_name="Augusta", job_title="Countess")
    tw.source.writes.clear()

    summary = tw.run()

    assert summary.status is RunStatus.COMPLETED
    assert tw.source.records[key] == {
        "Email": "ada@example.com",
        "First": "Augusta",  # the mapped field that changed
        "Last": "Lovelace",
        "Company": "Engines",
    }
    assert tw.source.writes == [("update", 1)]
    (row,) = update_rows(tw, summary)
    assert (row.outcome, row.reason) == (Outcome.UPDATED, BackReason.CHANGED)
    assert row.detail == "first_name: Ada → Augusta"
    assert summary.counts.updated >= 1
    counts_add_up(tw.service, summary)

    tw.emulator.reset_counts()
    tw.source.writes.clear()
    again = tw.run()

    assert again.status is RunStatus.COMPLETED
    assert update_rows(tw, again) == []
    assert tw.source.writes == []
    assert tw.writes() == []  # the push finds the source matching Constant Contact
    assert tw.by_key(again)[key].outcome is Outcome.UNCHANGED
    assert tw.emulator.get_contact("ada@example.com")["first_name"] == "Augusta"
    counts_add_up(tw.service, again)


def test_a_change_on_both_sides_goes_the_push_way(two_way):
    tw = two_way.setup(import_from_cc=True, import_updates_existing=True)
    key = linked_person(tw)
    edit_in_cc(tw, "ada@example.com", first_name="Augusta")
    tw.source.records[key]["First"] = "Ada Augusta"
    tw.source.writes.clear()

    summary = tw.run()

    assert update_rows(tw, summary) == []
    assert tw.source.writes == []
    assert tw.source.records[key]["First"] == "Ada Augusta"
    assert tw.emulator.get_contact("ada@example.com")["first_name"] == "Ada Augusta"
    counts_add_up(tw.service, summary)


def test_a_failed_update_is_reported_and_tried_again(two_way):
    from tests.sync.two_way import fail

    tw = two_way.setup(import_from_cc=True, import_updates_existing=True)
    key = linked_person(tw)
    edit_in_cc(tw, "ada@example.com", first_name="Augusta")
    tw.source.fail_next["update"] = fail()

    summary = tw.run()

    (row,) = update_rows(tw, summary)
    assert row.outcome is Outcome.FAILED
    assert tw.source.records[key]["First"] == "Ada"
    counts_add_up(tw.service, summary)

    again = tw.run()
    (row,) = update_rows(tw, again)
    assert row.outcome is Outcome.UPDATED
    assert tw.source.records[key]["First"] == "Augusta"
