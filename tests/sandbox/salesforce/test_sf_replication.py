"""getUpdated and getDeleted: whole-minute windows, ``latestDateCovered``,
``earliestDateAvailable``, and ``INVALID_REPLICATION_DATE`` when the start is out of reach."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.sandbox.salesforce import SalesforceEmulator
from tests.sandbox.salesforce.sf_support import Api, FakeClock


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _window(api: Api, kind: str, start: datetime, end: datetime) -> dict:
    answer = api.get(f"/sobjects/Contact/{kind}/", params={"start": _iso(start), "end": _iso(end)})
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_get_updated_lists_changes_in_whole_minutes(
    emu: SalesforceEmulator, api: Api, clock: FakeClock
) -> None:
    start = clock.now  # 09:30:15; the window starts at 09:30:00
    clock.advance(minutes=2)  # 09:32:15
    changed = emu.records("Contact")[5]["Id"]
    emu.update(changed, Title="Cupper")
    clock.advance(minutes=3)  # 09:35:15
    body = _window(api, "updated", start, clock.now)
    assert body["ids"] and changed in body["ids"]
    assert body["latestDateCovered"] == "2026-05-06T09:35:00.000+0000"
    later = _window(api, "updated", clock.now - timedelta(minutes=2), clock.now)
    assert changed not in later["ids"]
    # A change in the minute not yet covered comes in the next window, not this one.
    emu.update(changed, Title="Head Cupper")
    body = _window(api, "updated", clock.now - timedelta(minutes=1), clock.now)
    assert changed not in body["ids"]
    clock.advance(minutes=1)
    body = _window(api, "updated", clock.now - timedelta(minutes=2), clock.now)
    assert changed in body["ids"]


def test_get_deleted_lists_deletions_with_the_earliest_date_available(
    emu: SalesforceEmulator, api: Api, clock: FakeClock
) -> None:
    start = clock.now
    gone = emu.records("Contact")[7]["Id"]
    clock.advance(minutes=1)
    emu.delete(gone)
    clock.advance(minutes=2)
    body = _window(api, "deleted", start, clock.now)
    assert [d["id"] for d in body["deletedRecords"]] == [gone]
    assert body["deletedRecords"][0]["deletedDate"] == "2026-05-06T09:31:15.000+0000"
    assert body["earliestDateAvailable"].endswith(":00.000+0000")
    assert body["latestDateCovered"] == "2026-05-06T09:33:00.000+0000"


def test_a_start_before_what_is_kept_is_refused(
    emu: SalesforceEmulator, api: Api, clock: FakeClock
) -> None:
    start = clock.now
    clock.advance(hours=1)
    emu.purge_delete_log()
    answer = api.get(
        "/sobjects/Contact/deleted/", params={"start": _iso(start), "end": _iso(clock.now)}
    )
    error = api.errors(answer, 400)[0]
    assert error["errorCode"] == "INVALID_REPLICATION_DATE"
    purged_at = clock.now
    clock.advance(minutes=2)
    fresh = _window(api, "deleted", purged_at, clock.now)  # from the purge on: fine
    assert fresh["earliestDateAvailable"] == "2026-05-06T10:30:00.000+0000"
    too_old = api.get(
        "/sobjects/Contact/updated/",
        params={"start": _iso(clock.now - timedelta(days=31)), "end": _iso(clock.now)},
    )
    assert api.errors(too_old, 400)[0]["errorCode"] == "INVALID_REPLICATION_DATE"
    deleted_too_old = api.get(
        "/sobjects/Contact/deleted/",
        params={"start": _iso(clock.now - timedelta(days=16)), "end": _iso(clock.now)},
    )
    assert api.errors(deleted_too_old, 400)[0]["errorCode"] == "INVALID_REPLICATION_DATE"


def test_an_unencoded_plus_in_the_start_is_refused(api: Api, clock: FakeClock) -> None:
    raw = clock.now.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    url = f"/sobjects/Contact/updated/?start={raw}&end={raw}"  # "+" arrives as a space
    assert api.errors(api.get(url), 400)[0]["errorCode"] == "INVALID_REPLICATION_DATE"
