"""Undo's decisions per journal entry, from the journal, the run's records and the mirror."""

from __future__ import annotations

from app.store.journal_repo import Entry, RecordState
from app.sync.undo_plan import plan_undo

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

    source = plan(entry("opt_out", before={"sent": None}), {}, None)
    assert source.reason == "Written to Xero; undo leaves the source as it is."


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
