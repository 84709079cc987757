"""Bulk profile import jobs in the Klaviyo emulator: limits, states, import errors read back
per profile, lists, and what importing does not do (grant consent)."""

from __future__ import annotations

import json
from pathlib import Path

import requests

from app.sandbox.klaviyo import KlaviyoEmulator, seed_samples
from tests.sandbox.fake_clock import FakeClock
from tests.sandbox.klaviyo.kl_support import KlaviyoApi, error_of


def test_a_job_is_queued_then_processing_then_complete(
    api: KlaviyoApi, kl: KlaviyoEmulator
) -> None:
    made = api.import_profiles([{"email": "ada@example.com", "external_id": "cc:1"}])
    assert made.status_code == 202
    job = made.json()["data"]
    attrs = job["attributes"]
    assert (attrs["status"], attrs["total_count"], attrs["completed_count"]) == ("queued", 1, 0)
    assert attrs["started_at"] is None and attrs["completed_at"] is None
    assert attrs["expires_at"] == "2026-09-08T12:00:00+00:00"  # created + 7 days, whole seconds
    assert kl.profile_by_email("ada@example.com") is None  # not applied yet
    statuses = [
        api.get(f"/profile-bulk-import-jobs/{job['id']}").json()["data"]["attributes"]["status"]
        for _ in range(3)
    ]
    assert statuses == ["processing", "processing", "complete"]
    assert kl.profile_by_email("ada@example.com")["external_id"] == "cc:1"


def test_a_job_completes_by_itself_when_its_time_has_come(
    api: KlaviyoApi, kl: KlaviyoEmulator, clock: FakeClock
) -> None:
    job_id = api.import_profiles([{"email": "ada@example.com"}]).json()["data"]["id"]
    clock.advance(seconds=kl.settings.job_seconds)
    api.get("/lists")  # any call: due jobs complete before it is served
    assert kl.profile_by_email("ada@example.com") is not None
    job = api.get(f"/profile-bulk-import-jobs/{job_id}").json()["data"]["attributes"]
    assert (job["status"], job["completed_count"]) == ("complete", 1)


def test_import_errors_are_read_back_per_profile(api: KlaviyoApi, kl: KlaviyoEmulator) -> None:
    kl.add_profile("taken@example.com", external_id="cc:other")
    profiles = [
        {"email": "ada@example.com", "external_id": "cc:1"},
        {"email": "not-an-email", "external_id": "cc:2"},
        {"email": "grace@example.com", "phone_number": "0155 5550", "external_id": "cc:3"},
        {"email": "big@example.com", "properties": {"notes": "x" * (101 * 1024)}},
        {"email": "taken@example.com", "external_id": "cc:4"},
        {"first_name": "No identifier"},
    ]
    job = api.run_import(profiles)
    assert job["attributes"]["completed_count"] == 1
    assert job["attributes"]["failed_count"] == 5
    errors_url = job["relationships"]["import-errors"]["links"]["related"]
    errors = api.get(errors_url).json()["data"]
    assert len(errors) == 5
    by_index = {
        int(e["attributes"]["source"]["pointer"].split("/")[5]): e["attributes"] for e in errors
    }
    assert set(by_index) == {1, 2, 3, 4, 5}
    assert by_index[1]["source"]["pointer"].endswith("/email")
    assert by_index[2]["source"]["pointer"].endswith("/phone_number")
    assert "100KB" in by_index[3]["detail"]
    assert by_index[4]["code"] == "duplicate_profile"
    assert by_index[1]["original_payload"] == {"type": "profile", "attributes": profiles[1]}
    assert kl.profile_by_email("ada@example.com") is not None
    assert kl.profile_by_email("big@example.com") is None


def test_import_errors_page_twenty_at_a_time(api: KlaviyoApi) -> None:
    job = api.run_import([{"email": f"bad{i}"} for i in range(25)])
    first = api.get(f"/profile-bulk-import-jobs/{job['id']}/import-errors").json()
    assert len(first["data"]) == 20
    second = api.get(first["links"]["next"]).json()
    assert len(second["data"]) == 5 and second["links"]["next"] is None


def test_at_most_ten_thousand_profiles_and_five_megabytes_a_job(
    api: KlaviyoApi, kl: KlaviyoEmulator
) -> None:
    too_many = api.import_profiles([{"email": f"p{i}@example.com"} for i in range(10_001)])
    assert too_many.status_code == 400
    assert "10000" in error_of(too_many)["detail"]
    heavy = [{"email": f"p{i}@example.com", "properties": {"bio": "x" * 60_000}} for i in range(90)]
    too_big = api.import_profiles(heavy)
    assert too_big.status_code == 413
    assert kl.jobs() == []


def test_ten_thousand_profiles_are_one_job(api: KlaviyoApi, kl: KlaviyoEmulator) -> None:
    job = api.run_import(
        [
            {"email": f"p{i}@example.com", "external_id": f"cc:{i}", "first_name": f"P{i}"}
            for i in range(10_000)
        ]
    )
    assert job["attributes"]["completed_count"] == 10_000
    assert kl.profile_count() == 10_000


def test_the_lists_named_get_the_profiles_and_importing_grants_no_consent(
    api: KlaviyoApi, kl: KlaviyoEmulator
) -> None:
    list_id = api.create_list("CC – Newsletter")
    job = api.run_import([{"email": "ada@example.com"}, {"email": "grace@example.com"}], [list_id])
    assert job["relationships"]["lists"]["data"] == [{"type": "list", "id": list_id}]
    assert kl.list_member_emails(list_id) == {"ada@example.com", "grace@example.com"}
    assert kl.consent_counts() == {"NEVER_SUBSCRIBED": 2}
    assert kl.flows_triggered() == []
    lists = api.get(f"/profile-bulk-import-jobs/{job['id']}/lists").json()["data"]
    assert [item["id"] for item in lists] == [list_id]
    profiles = api.get(f"/profile-bulk-import-jobs/{job['id']}/relationships/profiles").json()[
        "data"
    ]
    assert len(profiles) == 2


def test_a_job_naming_an_unknown_list_is_refused(api: KlaviyoApi, kl: KlaviyoEmulator) -> None:
    answer = api.import_profiles([{"email": "ada@example.com"}], ["NoSuch"])
    assert answer.status_code == 404
    assert kl.jobs() == []


def test_jobs_are_listed_and_filtered_by_status(api: KlaviyoApi) -> None:
    done = api.run_import([{"email": "ada@example.com"}])
    pending = api.import_profiles([{"email": "grace@example.com"}]).json()["data"]
    every = api.get("/profile-bulk-import-jobs").json()["data"]
    assert [j["id"] for j in every] == [done["id"], pending["id"]]
    queued = api.get(
        "/profile-bulk-import-jobs", params={"filter": 'equals(status,"queued")'}
    ).json()
    assert [j["id"] for j in queued["data"]] == [pending["id"]]
    # A client that lost the job id polls ".../profile-bulk-import-jobs/" and gets the list.
    assert api.get("/profile-bulk-import-jobs/").json()["data"][0]["id"] == done["id"]


def test_a_job_expires_after_seven_days(api: KlaviyoApi, clock: FakeClock) -> None:
    job = api.run_import([{"email": "ada@example.com"}])
    clock.advance(days=7, seconds=1)
    assert api.get(f"/profile-bulk-import-jobs/{job['id']}").status_code == 404


def test_a_cancelled_job_applies_nothing(api: KlaviyoApi, kl: KlaviyoEmulator) -> None:
    kl.faults.fail_next_job("cancelled")
    job = api.run_import([{"email": "ada@example.com"}])
    assert job["attributes"]["status"] == "cancelled"
    assert kl.profile_by_email("ada@example.com") is None
    again = api.run_import([{"email": "ada@example.com"}])
    assert again["attributes"]["status"] == "complete"


def test_a_second_import_of_the_same_people_updates_them(
    api: KlaviyoApi, kl: KlaviyoEmulator
) -> None:
    api.run_import([{"email": "old@example.com", "external_id": "cc:7", "first_name": "Ada"}])
    job = api.run_import(
        [{"email": "new@example.com", "external_id": "cc:7", "last_name": "Lovelace"}]
    )
    assert job["attributes"]["completed_count"] == 1
    found = kl.profile_by_external_id("cc:7")
    assert (found["email"], found["first_name"], found["last_name"]) == (
        "new@example.com",
        "Ada",
        "Lovelace",
    )
    assert kl.profile_count() == 1
    assert json.loads(json.dumps(kl.jobs()))[1]["completed"] == 1


def test_a_pending_job_survives_a_restart_and_completes_after_it(
    tmp_path: Path, clock: FakeClock
) -> None:
    state = tmp_path / "restart.sqlite3"
    first = KlaviyoEmulator(state, clock=clock, enforce_limits=False)
    seed_samples(first)
    first.start()
    with requests.Session() as session:
        job_id = (
            KlaviyoApi(first, session)
            .import_profiles([{"email": "ada@example.com"}])
            .json()["data"]["id"]
        )
    first.stop()
    again = KlaviyoEmulator(state, clock=clock, enforce_limits=False).start()
    try:
        with requests.Session() as session:
            api = KlaviyoApi(again, session)
            for _ in range(again.settings.job_polls):
                job = api.get(f"/profile-bulk-import-jobs/{job_id}").json()["data"]
        assert job["attributes"]["status"] == "complete"
        assert again.profile_by_email("ada@example.com") is not None
        assert again.company_id == first.company_id
    finally:
        again.stop()
