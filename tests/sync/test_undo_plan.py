"""Undo's decisions per journal entry, from the journal, the run's records and the mirror."""

from __future__ import annotations

from app.store.journal_repo import Entry, RecordState
from app.sync.undo_plan import SourceNow, plan_undo, source_keys

LIST = "list-1"


def entry(action: str = "update", before: dict | None = None, **kw: object) -> Entry:
    values = {
        "id": 1,
        "key": "k1",
        "action": action,
        "email": "ada@example.com",
        "contact_id": "c-1",
        "before": before,
        "outcome": None,
        "reason": "",
        "undo_run_id": None,
    }
    values.update(kw)
    return Entry(**values)  # type: ignore[arg-type]


def now(fields: dict, lists: tuple[str, ...] = (LIST,), permission: str = "implicit") -> dict:
    return {
        "contact_id": "c-1",
        "email": "ada@example.com",
        "permission": permission,
        "list_ids": list(lists),
        "fields": fields,
    }


def plan(e: Entry, sent: dict, current: dict | None, outcome: str = "updated"):  # type: ignore[no-untyped-def]
    records = {(e.key, e.action): RecordState(outcome, e.email, e.contact_id, sent)}
    cur = {"ada@example.com": current} if current is not None else {}
    (step,) = plan_undo([e], records, cur, LIST, "Xero")
    return step


BEFORE = {"email": "ada@example.com", "permission": "implicit", "list_ids": [LIST]}


def test_values_constant_contact_normalised_are_not_a_later_change() -> None:
    before = {**BEFORE, "fields": {"state": "CA", "other_phone": "555 0100", "city": "Ukiah"}}
    sent = {"email": "ada@example.com", "state": "OR", "phone": "(555) 0199", "city": "Bend"}
    current = now({"state": "Oregon", "other_phone": "5550199", "city": "Bend"})

    step = plan(entry(before=before), sent, current)

    assert step.restore == {"state": "CA", "other_phone": "555 0100", "city": "Ukiah"}
    assert step.notes == [] and step.outcome is None


def test_a_field_changed_since_is_reported_and_the_rest_restored() -> None:
    before = {**BEFORE, "fields": {"first_name": "Ada", "last_name": "Byron"}}
    sent = {"first_name": "Augusta", "last_name": "King"}
    current = now({"first_name": "Adelaide", "last_name": "King"})

    step = plan(entry(before=before), sent, current)

    assert step.restore == {"last_name": "Byron"}
    assert step.notes == ["first_name was changed since the run (now 'Adelaide'); left as it is"]


def test_an_empty_custom_field_cannot_be_emptied_and_says_so() -> None:
    before = {**BEFORE, "fields": {}}
    step = plan(entry(before=before), {"cf:Tier": "Gold"}, now({"cf:Tier": "Gold"}))

    assert step.outcome == "skipped"
    assert "cf:Tier was empty before" in step.reason


def test_what_the_run_did_not_write_and_unsubscribes_are_skipped_with_reasons() -> None:
    failed = plan(entry(before={**BEFORE, "fields": {}}), {"first_name": "X"}, now({}), "failed")
    assert (failed.outcome, failed.reason) == (
        "skipped",
        "The run did not change this contact (failed).",
    )

    unsub = plan(entry("unsubscribe", before=BEFORE), {}, now({}, permission="unsubscribed"))
    assert unsub.outcome == "skipped" and unsub.unsubscribe
    assert "only the person can opt back in" in unsub.reason

    opt_out = plan(entry("opt_out", before={"sent": None, "opted_out": False}), {}, None)
    assert (opt_out.outcome, opt_out.opt_out_kept) == ("skipped", True)
    assert "opt-out mark stays in Xero; only the person can opt back in" in opt_out.reason

    opt_in = plan(entry("opt_in", before={"sent": None, "opted_out": True}), {}, None)
    assert (opt_in.outcome, opt_in.opt_out_kept) == ("skipped", False)
    assert "opted back in at Constant Contact" in opt_in.reason


SOURCE_BEFORE = {
    "sent": {"source_key": "X1"},
    "source_key": "X1",
    "written": {"FirstName": "Augusta", "LastName": "King", "City": "London"},
    "fields": {"FirstName": "Ada", "LastName": "Byron", "City": ""},
    "link": {"fingerprint": "fp0", "last_sent": {"first_name": "Ada"}},
}


def source_plan(  # type: ignore[no-untyped-def]
    e: Entry,
    now_values: dict | None,
    *,
    outcome: str = "updated",
    sid: str = "",
    sent: dict | None = None,
    can_archive: bool = True,
    delete_created: bool = False,
):
    """The step for a source write, with the source record X1 as ``now_values``."""
    records = {(e.key, e.action): RecordState(outcome, e.email, "", sent, sid)}
    found = {"X1": now_values} if now_values is not None else {}
    source = SourceNow(found, can_update=True, can_archive=can_archive)
    (step,) = plan_undo([e], records, {}, LIST, "Xero", delete_created, source)
    return step


def test_source_values_go_back_and_a_change_there_since_is_reported() -> None:
    e = entry("import_update", before=SOURCE_BEFORE, key="cc:c-1")
    now_values = {"FirstName": "Augusta", "LastName": "Lovelace", "City": "london "}

    step = source_plan(e, now_values)

    assert step.source_key == "X1" and step.outcome is None
    assert step.source_restore == {"FirstName": "Ada", "City": ""}  # an empty one emptied
    assert step.notes == [
        "LastName was changed in Xero since the run (now 'Lovelace'); left as it is"
    ]
    assert step.link == SOURCE_BEFORE["link"]  # the link remembers what it did before
    gone = source_plan(e, None)
    assert (gone.outcome, gone.reason) == ("skipped", "This record is no longer in Xero.")
    unread = plan_undo(
        [e],
        {(e.key, e.action): RecordState("updated", e.email, "", None)},
        {},
        LIST,
        "Xero",
        source=SourceNow({}, error="Connect to Xero to continue."),
    )[0]
    assert (unread.outcome, unread.reason) == (
        "failed",
        "Could not read Xero: Connect to Xero to continue.",
    )


def test_a_source_write_journalled_without_its_old_values_is_left() -> None:
    e = entry("import_update", before={"sent": {"source_key": "X1"}}, key="cc:c-1")
    step = source_plan(e, {"FirstName": "Augusta"})
    assert (step.outcome, step.reason) == (
        "skipped",
        "Written to Xero; undo leaves the source as it is.",
    )


def test_a_record_created_in_the_source_is_archived_only_when_chosen() -> None:
    e = entry("import_create", before={"sent": None}, key="cc:c-1")
    sent = {"values": {"FirstName": "Nell", "EmailAddress": "nell@example.com"}}
    now_values = {"FirstName": "Nell", "EmailAddress": "nell@example.com", "City": "Bath"}

    kept = source_plan(e, now_values, outcome="created", sid="X1", sent=sent)
    chosen = source_plan(e, now_values, outcome="created", sid="X1", sent=sent, delete_created=True)
    edited = source_plan(
        e,
        {**now_values, "FirstName": "Nellie"},
        outcome="created",
        sid="X1",
        sent=sent,
        delete_created=True,
    )
    cannot = source_plan(
        e,
        now_values,
        outcome="created",
        sid="X1",
        sent=sent,
        delete_created=True,
        can_archive=False,
    )

    assert (kept.outcome, kept.created_kept, kept.source_archive) == ("skipped", True, False)
    assert "left there" in kept.reason
    assert (chosen.outcome, chosen.source_archive, chosen.created_kept) == (None, True, False)
    assert chosen.source_key == "X1"
    assert (edited.outcome, edited.source_archive, edited.created_kept) == ("skipped", False, True)
    assert "changed there since (FirstName)" in edited.reason
    assert not cannot.source_archive and "Xero cannot remove records" in cannot.reason
    assert source_keys(
        [e], {(e.key, e.action): RecordState("created", "", "", None, "X1")}, True
    ) == ["X1"]
    assert (
        source_keys([e], {(e.key, e.action): RecordState("created", "", "", None, "X1")}, False)
        == []
    )


def test_a_relisted_contact_keeps_the_origin_of_its_link() -> None:
    before = {"origin": "import"}
    step = plan(entry("remove", before=before), {}, now({}, lists=()))
    assert (step.list_add, step.origin) == (True, "import")


def test_a_created_contact_comes_off_the_list_or_is_deleted_if_chosen() -> None:
    e = entry("create", before=None)
    records = {(e.key, e.action): RecordState("created", e.email, "", {"first_name": "Ada"})}
    current = {"ada@example.com": now({"first_name": "Ada"})}

    (kept,) = plan_undo([e], records, current, LIST, "Xero")
    (deleted,) = plan_undo([e], records, current, LIST, "Xero", delete_created=True)
    unsubscribed = {"ada@example.com": now({}, permission="unsubscribed")}
    (refused,) = plan_undo([e], records, unsubscribed, LIST, "Xero", delete_created=True)

    assert kept.list_remove and not kept.delete
    assert deleted.delete and not deleted.list_remove
    assert not refused.delete and "Not deleted" in refused.notes[0]
