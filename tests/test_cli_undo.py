"""``contactbridge --sandbox undo PROFILE [--run N] [--dry-run] [--json]``."""

from __future__ import annotations

import json

from app.cli import EXIT_CANNOT_START, EXIT_OK, _removal_words
from app.connectors import constant_contact as cc_client
from app.connectors.http import RateLimiter
from app.connectors.xero.connector import SAMPLE_PROFILE as XERO_PROFILE_NAME
from app.sandbox.constant_contact import ConstantContactEmulator
from app.sandbox.samples import SAMPLE_PROFILE_NAME
from app.sync.bootstrap import open_service
from tests.helpers.undo_reports import undo_report
from tests.sync.xero_two_way import second_run, synced_xero
from tests.test_cli import on_list, run_json


def test_undo_dry_run_then_undo(cli, home):
    code, synced = run_json(cli, "sync", SAMPLE_PROFILE_NAME)
    assert code == EXIT_OK
    pushed = on_list(home, "Newsletter")
    assert pushed

    code, preview = run_json(cli, "undo", SAMPLE_PROFILE_NAME, "--dry-run")

    assert code == EXIT_OK
    assert preview["dry_run"] is True and preview["undo_of"] == synced["run_id"]
    counts = preview["counts"]
    assert counts["total"] == counts["restore"] + counts["skipped"] + counts["failed"]
    assert counts["restore"] == len(pushed)  # each contact the sync put on the list
    assert counts["total"] == len(preview["entries"])
    assert on_list(home, "Newsletter") == pushed  # a dry run changes nothing

    code, out, _err = cli("undo", SAMPLE_PROFILE_NAME)

    assert code == EXIT_OK
    assert out.startswith(f"Undo of run {synced['run_id']}: restored {len(pushed)}, ")
    assert on_list(home, "Newsletter") == set()  # nobody was on it before the sync

    # Undoing the same run again restores nothing twice.
    code, again = run_json(cli, "undo", SAMPLE_PROFILE_NAME, "--run", str(synced["run_id"]))
    assert code == EXIT_OK
    assert again["counts"]["restored"] == 0
    assert again["counts"]["skipped"] == again["counts"]["total"]


def test_undo_with_nothing_to_undo_says_so(cli):
    code, out, _err = cli("undo", SAMPLE_PROFILE_NAME, "--json")

    assert code == EXIT_CANNOT_START
    answer = json.loads(out)
    assert answer["status"] == "error"
    assert "no completed sync to undo" in answer["message"]


def test_deleting_created_contacts_needs_confirm(cli, home):
    code, synced = run_json(cli, "sync", SAMPLE_PROFILE_NAME)
    created = synced["counts"]["created"]
    assert created > 1

    code, refused = run_json(cli, "undo", SAMPLE_PROFILE_NAME, "--delete-created")
    assert code == EXIT_CANNOT_START
    assert f"would delete {created:,} contacts the sync created" in refused["message"]
    assert "leave out --delete-created to only take them off the list" in refused["message"]
    assert on_list(home, "Newsletter")  # nothing changed
    live_before = live_contacts(home)

    code, preview = run_json(cli, "undo", SAMPLE_PROFILE_NAME, "--delete-created", "--dry-run")
    assert sum(e["delete"] for e in preview["entries"]) == created

    code, done = run_json(cli, "undo", SAMPLE_PROFILE_NAME, "--delete-created", "--confirm")
    assert code == EXIT_OK
    assert sum(e["delete"] for e in done["entries"]) == created
    assert on_list(home, "Newsletter") == set()
    assert live_contacts(home) == live_before - created  # the account's own contacts stay


def live_contacts(home) -> int:  # type: ignore[no-untyped-def]
    """How many contacts the sandbox's Constant Contact account holds (not deleted)."""
    emu = ConstantContactEmulator(home / "emulator" / "constant-contact.sqlite3")
    try:
        with emu.state.tx() as conn:
            live = conn.execute("SELECT count(*) FROM contacts WHERE deleted_at IS NULL")
            return int(live.fetchone()[0])
    finally:
        emu.stop()


def test_undo_of_a_two_way_run_lists_and_puts_back_what_it_wrote_to_xero(cli, home, monkeypatch):
    """The dry run's JSON lists the values that go back to Xero and, with
    --delete-created, the records it would archive there; the refusal without --confirm
    names both sides."""
    handle = open_service(sandbox=True, home=home, enforce_limits=False)
    try:
        monkeypatch.setattr(cc_client, "shared_limiter", lambda *a, **k: RateLimiter(100_000))
        before, run = second_run(synced_xero(handle, monkeypatch))
    finally:
        handle.close()

    code, preview = run_json(cli, "undo", XERO_PROFILE_NAME, "--dry-run", "--delete-created")

    assert code == EXIT_OK
    entries = {e["source_key"]: e for e in preview["entries"] if e["source_key"]}
    assert (
        entries[run["renamed"]]["source_restore"]["FirstName"]
        == (before[run["renamed"]]["FirstName"])
    )
    assert {k for k, e in entries.items() if e["source_archive"]} == run["created"]
    assert {"restore", "delete", "notes", "remove_from_list"} <= set(preview["entries"][0])
    assert preview["counts"]["source_opt_outs_kept"] == 1

    code, refused = run_json(cli, "undo", XERO_PROFILE_NAME, "--delete-created")

    assert code == EXIT_CANNOT_START
    created = len(run["created"])
    assert created > 1
    assert refused["message"].startswith("This undo would delete 1 contact the sync created")
    assert f"archive {created} records the sync created in Xero" in refused["message"]

    code, out, _err = cli("undo", XERO_PROFILE_NAME)

    assert code == EXIT_OK
    assert f"FirstName back to {before[run['renamed']]['FirstName']!r} in Xero" in out
    assert f"{created} records the sync created in Xero stay there" in out
    assert "1 opt-out mark kept in Xero: only the person can opt back in" in out


def test_undo_texts_count_one_and_two_in_words() -> None:
    """The refusal without --confirm and the undo's summary say "1 contact", "2 records"."""
    one = undo_report(deletes=1, archives=2, unsubscribes=1, opt_outs=1, created_in_source=1)
    assert _removal_words(one) == (
        "This undo would delete 1 contact the sync created, and deleting cannot be undone; "
        "it would also archive 2 records the sync created in Xero. Add --confirm to go "
        "ahead, or leave out --delete-created to only take the contacts off the list and "
        "leave the records in Xero."
    )
    assert _removal_words(undo_report(deletes=2)).startswith(
        "This undo would delete 2 contacts the sync created"
    )
    assert _removal_words(undo_report(deletes=1)).endswith("to only take it off the list.")
    assert _removal_words(undo_report(archives=1)).startswith(
        "This undo would archive 1 record the sync created in Xero."
    )
    assert one.summary_text() == (
        "Undo of run 5: would restore 3, skipped 3, failed 0 (of 6 changes). "
        "1 unsubscribe kept: only the person can opt back in. "
        "1 opt-out mark kept in Xero: only the person can opt back in. "
        "1 record the sync created in Xero stays there"
    )
    two = undo_report(created=1, unsubscribes=2, opt_outs=2, created_in_source=2)
    assert two.summary_text() == (
        "Undo of run 5: would restore 1, skipped 6, failed 0 (of 7 changes). "
        "2 unsubscribes kept: only the person can opt back in. "
        "2 opt-out marks kept in Xero: only the person can opt back in. "
        "2 records the sync created in Xero stay there"
    )
    assert undo_report(created=1).summary_text().endswith("(of 1 change)")
