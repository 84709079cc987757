"""Undo a run against the emulator: Constant Contact is as it was before the run, except
unsubscribes; later changes by others are reported, never overwritten; undoing twice
restores nothing twice."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.core.errors import Cancelled, ConfigError
from app.core.outcomes import RunStatus
from app.core.profiles import OptOutHandling
from app.core.schedule import Schedule, ScheduleKind
from app.sandbox.constant_contact import contact_store as store
from app.store import models as m
from app.sync import engine
from app.sync.due import due_profiles, local_now, with_last_runs
from app.sync.progress import CancelToken
from tests.sync.conftest import EMAIL_COLUMN, OPT_OUT_COLUMN, Bakery, PhaseReporter

FIELDS = ("first_name", "last_name", "company_name", "job_title")


def remote_state(bakery: Bakery) -> dict[str, dict[str, Any]]:
    """Every live contact by email: its names and fields, consent and list names."""
    with bakery.emulator.state.tx() as conn:
        names = dict(conn.execute("SELECT list_id, name FROM lists WHERE deleted_at IS NULL"))
        rows = conn.execute(
            "SELECT contact_id, email_lower, permission, doc FROM contacts WHERE deleted_at IS NULL"
        ).fetchall()
        lists = store.memberships(conn, [r[0] for r in rows])
    out = {}
    for contact_id, email, permission, doc in rows:
        data = json.loads(doc)
        out[email] = {
            "fields": {k: data.get(k) for k in FIELDS if data.get(k)},
            "phones": _values(data.get("phone_numbers")),
            "addresses": _values(data.get("street_addresses")),
            "permission": permission,
            "lists": sorted(names[i] for i in lists.get(contact_id, ()) if i in names),
        }
    return out


def _values(items: list[dict] | None) -> list[dict] | None:
    """Phones or addresses without their ids and timestamps; none and [] alike."""
    kept = ("kind", "phone_number", "street", "city", "state", "postal_code", "country")
    return [{k: i[k] for k in kept if k in i} for i in items] if items else None


def prepare(bakery: Bakery) -> tuple[str, str, str]:
    """Three customers of the sample file already in Constant Contact: one with another
    first name and no last name, on another list; one on the Newsletter already; one the
    file marks as opted out. Returns their emails."""
    rows = bakery.rows()
    plain = [r for r in rows if r[OPT_OUT_COLUMN] != "Yes" and "@" in r[EMAIL_COLUMN]]
    renamed, member = plain[0][EMAIL_COLUMN].lower(), plain[1][EMAIL_COLUMN].lower()
    opted = next(r for r in rows if r[OPT_OUT_COLUMN] == "Yes")[EMAIL_COLUMN].lower()
    profile = bakery.profile
    options = replace(profile.options, opt_out_handling=OptOutHandling.UNSUBSCRIBE)
    bakery.service.profiles.save(profile.with_changes(options=options))
    emu = bakery.emulator
    emu.seed_contact(renamed, "Adaline", "", list_names=["VIP"])
    emu.seed_contact(member, plain[1]["First Name"], "Old-Name", list_names=["Newsletter"])
    emu.seed_contact(opted, "Opted", "Out", list_names=["VIP"])
    return renamed, member, opted


def test_undo_restores_the_remote_state_except_unsubscribes(bakery: Bakery) -> None:
    renamed, member, opted = prepare(bakery)
    before = remote_state(bakery)
    first_run = bakery.run()
    during = remote_state(bakery)
    assert during[renamed]["fields"]["first_name"] != "Adaline"  # the run did change them
    assert during[renamed]["lists"] == ["Newsletter", "VIP"]
    assert during[member]["fields"]["last_name"] != "Old-Name"
    assert during[opted]["permission"] == "unsubscribed"
    created = set(during) - set(before)
    assert created

    preview = bakery.service.runs.undo(bakery.profile.id, dry_run=True)
    assert remote_state(bakery) == during  # a preview changes nothing
    by_email = {s.email: s for s in preview.steps}
    assert by_email[renamed].restore == {"first_name": "Adaline"}
    assert "last_name" in by_email[renamed].clear and by_email[renamed].list_remove
    assert by_email[member].restore == {"last_name": "Old-Name"}
    assert not by_email[member].list_remove  # it was on the Newsletter before the run

    report = bakery.service.runs.undo(bakery.profile.id)

    assert report.undo_of == first_run.run_id
    after = remote_state(bakery)
    for email, was in before.items():
        if email == opted:
            # Unsubscribes are never undone: consent and lists stay as the run left them.
            assert after[email]["permission"] == "unsubscribed"
            assert after[email]["fields"] == was["fields"]
        else:
            assert after[email] == was, email
    for email in created:
        assert after[email]["lists"] == [], email  # off the list the run put them on
    counts = report.tally()
    assert counts["total"] == counts["restored"] + counts["skipped"] + counts["failed"]
    assert counts["failed"] == 0
    assert counts["unsubscribes_kept"] == 1
    assert "only the person can opt back in" in report.summary_text()
    # The undo is a run of its own, in the history, with counts that add up.
    undo_run = bakery.service.store.runs.get(report.run_id)
    assert undo_run.counts.total == counts["total"]
    assert undo_run.counts.updated == counts["restored"]
    assert undo_run.extra["undo_of"] == first_run.run_id


def test_undo_twice_restores_nothing_twice(bakery: Bakery) -> None:
    prepare(bakery)
    first_run = bakery.run()
    bakery.service.runs.undo(bakery.profile.id)
    imports = bakery.imports_started()
    state = remote_state(bakery)

    again = bakery.service.runs.undo(bakery.profile.id, run_id=first_run.run_id)

    assert again.tally()["restored"] == 0
    assert all(s.reason.startswith("Already undone (run ") for s in again.steps)
    assert bakery.imports_started() == imports
    assert remote_state(bakery) == state


def test_a_later_change_by_someone_else_is_reported_not_overwritten(bakery: Bakery) -> None:
    renamed, _member, _opted = prepare(bakery)
    bakery.run()
    # Someone edits the contact in Constant Contact after the run.
    with bakery.emulator.state.tx() as conn:
        contact_id, doc = store.find_by_email(conn, renamed)
        doc["first_name"] = "Adelaide"
        store.touch(doc, bakery.emulator.clock())
        store.update(conn, contact_id, doc)

    report = bakery.service.runs.undo(bakery.profile.id)

    after = remote_state(bakery)
    assert after[renamed]["fields"]["first_name"] == "Adelaide"
    step = next(s for s in report.steps if s.email == renamed)
    assert "first_name was changed since the run" in step.reason
    assert after[renamed]["lists"] == ["VIP"]  # the rest of it is undone


def test_undo_puts_a_changed_email_back(bakery: Bakery) -> None:
    bakery.run()
    row = next(r for r in bakery.rows() if r[OPT_OUT_COLUMN] != "Yes" and "@" in r[EMAIL_COLUMN])
    old = row[EMAIL_COLUMN].lower()
    bakery.edit(
        row["Customer ID"], **{EMAIL_COLUMN: "new.address@example.com", "Last Name": "Newname"}
    )
    before = remote_state(bakery)
    second = bakery.run()
    assert "new.address@example.com" in remote_state(bakery)

    report = bakery.service.runs.undo(bakery.profile.id, run_id=second.run_id)

    assert remote_state(bakery) == before
    (step,) = [s for s in report.steps if s.email_back]
    assert (step.email_back, step.outcome) == (old, "restored")


def test_a_stopped_undo_resumes_without_importing_twice(bakery: Bakery) -> None:
    prepare(bakery)
    before = remote_state(bakery)
    bakery.run()
    cancel = CancelToken()

    reporter = PhaseReporter()
    reporter.phase = lambda name, total=0: (  # type: ignore[method-assign]
        cancel.cancel() if name == "Restoring list memberships" else None
    )
    with pytest.raises(Cancelled):
        bakery.service.runs.undo(bakery.profile.id, reporter=reporter, cancel=cancel)
    stopped = bakery.service.store.runs.last_run(bakery.profile.id)
    assert stopped.status is RunStatus.CANCELLED
    assert bakery.service.store.runs.resumable_run(bakery.profile.id) is None  # never as a sync
    imports = bakery.imports_started()

    report = bakery.service.runs.undo(bakery.profile.id)

    assert report.run_id == stopped.run_id  # the same undo, resumed
    assert bakery.imports_started() == imports
    counts = report.tally()
    assert counts["failed"] == 0 and counts["restored"] > 0
    after = remote_state(bakery)
    assert {
        e: s for e, s in after.items() if e in before and s["permission"] != "unsubscribed"
    } == {e: s for e, s in before.items() if after[e]["permission"] != "unsubscribed"}


def _drop_rows(bakery: Bakery, keys: set[str]) -> None:
    rows = [r for r in bakery.rows() if r["Customer ID"] not in keys]
    with bakery.csv_path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.DictWriter(fh, fieldnames=list(rows[0]))
        out.writeheader()
        out.writerows(rows)


def test_undo_puts_removed_contacts_back_on_the_list_unless_they_unsubscribed(
    bakery: Bakery,
) -> None:
    profile = bakery.profile
    bakery.service.profiles.save(
        profile.with_changes(options=replace(profile.options, remove_deleted=True))
    )
    bakery.run()
    gone = [r for r in bakery.rows() if r[OPT_OUT_COLUMN] != "Yes" and "@" in r[EMAIL_COLUMN]][:2]
    _drop_rows(bakery, {r["Customer ID"] for r in gone})
    stays, unsubscribes = (r[EMAIL_COLUMN].lower() for r in gone)
    second = bakery.run()
    assert not {stays, unsubscribes} & bakery.on_list()
    bakery.emulator.set_permission(unsubscribes, "unsubscribed")  # the person's own choice

    report = bakery.service.runs.undo(bakery.profile.id, run_id=second.run_id)

    assert stays in bakery.on_list()
    assert unsubscribes not in bakery.on_list()  # never re-added: consent first
    by_email = {s.email: s for s in report.steps}
    assert by_email[stays].outcome == "restored" and by_email[stays].list_add
    assert by_email[unsubscribes].outcome == "skipped"
    assert "never put back on a list" in by_email[unsubscribes].reason


def test_syncing_again_after_an_undo_does_the_run_again_without_duplicates(
    bakery: Bakery,
) -> None:
    prepare(bakery)
    bakery.run()
    row = next(r for r in bakery.rows() if r[OPT_OUT_COLUMN] != "Yes" and "@" in r[EMAIL_COLUMN])
    bakery.edit(row["Customer ID"], **{EMAIL_COLUMN: "new.address@example.com"})
    second = bakery.run()
    during = remote_state(bakery)
    bakery.service.runs.undo(bakery.profile.id, run_id=second.run_id)
    assert "new.address@example.com" not in remote_state(bakery)

    again = bakery.run()

    assert again.counts.failed == 0
    assert remote_state(bakery) == during
    assert len(bakery.contact_emails()) == len(set(bakery.contact_emails())) == len(during)


def test_syncing_again_after_deleting_created_contacts_creates_them_again(
    bakery: Bakery,
) -> None:
    prepare(bakery)
    bakery.run()
    during = remote_state(bakery)
    report = bakery.service.runs.undo(bakery.profile.id, delete_created=True)
    deleted = {s.email for s in report.steps if s.delete}
    assert deleted and not deleted & set(remote_state(bakery))

    bakery.run()

    after = remote_state(bakery)
    assert {e: after[e]["lists"] for e in deleted} == {e: during[e]["lists"] for e in deleted}


def test_an_undo_does_not_count_as_the_profiles_last_sync(bakery: Bakery) -> None:
    """The schedule runs from the last sync, an undo never puts it off; the window's
    "Last run" is the sync too, and the history lists the undo as a run of its own."""
    hourly = Schedule(ScheduleKind.INTERVAL, every_minutes=60)
    bakery.service.profiles.save(bakery.profile.with_changes(schedule=hourly))
    profile = bakery.profile
    sync = bakery.run()
    # The sync ran just over an hour ago: the profile is due again.
    earlier = (datetime.now(UTC) - timedelta(minutes=61)).isoformat(timespec="seconds")
    m.Run.update(started_at=earlier).where(m.Run.id == sync.run_id).execute()

    report = bakery.service.runs.undo(profile.id)

    service = bakery.service
    assert service.runs.last_started()[profile.id] == earlier
    now = local_now()
    pairs = with_last_runs(service.profiles.list(), service.runs.last_started(), now)
    assert profile.id in [p.id for p in due_profiles(pairs, now)]
    overview = next(ov for ov in service.profiles.overviews() if ov.profile.id == profile.id)
    assert overview.last_run.run_id == sync.run_id  # "Last run": the sync, not the undo
    assert overview.latest.run_id == report.run_id
    newest = service.runs.history(profile.id)[0]
    assert (newest.run_id, newest.extra["undo_of"]) == (report.run_id, sync.run_id)


def test_contacts_a_large_import_created_come_off_the_list(
    bakery: Bakery, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large import is not read back when nobody else changed a contact meanwhile, so the
    mirror knows the contacts it created by placeholders only; undo reads their real ids
    before it takes them off the list."""
    monkeypatch.setattr(engine, "READBACK_MAX", 0)
    # The count says nobody else changed one (a test's import starts in the watermark's own
    # second, where the count cannot tell).
    monkeypatch.setattr(engine.PushEngine, "_nobody_else_changed", lambda *a: True)
    bakery.run()
    created = bakery.on_list()
    assert created
    # A long import: it finished (the watermark) well after it wrote its first contacts.
    mirror, connection_id = bakery.service.store.mirror, bakery.profile.connection_id
    mirror.set_watermark(connection_id, mirror.watermark(connection_id) + timedelta(minutes=2))

    report = bakery.service.runs.undo(bakery.profile.id)

    assert report.tally()["failed"] == 0
    assert bakery.on_list() == set()


def test_retrying_an_undo_run_is_refused_with_what_to_do_instead(bakery: Bakery) -> None:
    prepare(bakery)
    first_run = bakery.run()
    report = bakery.service.runs.undo(bakery.profile.id)
    assert report.run_id is not None
    with pytest.raises(ConfigError, match=rf"undo run {first_run.run_id} again"):
        bakery.service.runs.retry_failed(report.run_id)
