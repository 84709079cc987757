"""Events in the Klaviyo emulator: create and bulk create, ``unique_id`` dedupe, backfill
(no flows), times in the past, metrics by name, and reading events back."""

from __future__ import annotations

from app.sandbox.klaviyo import KlaviyoEmulator
from tests.sandbox.fake_clock import FakeClock
from tests.sandbox.klaviyo.kl_support import KlaviyoApi, error_of


def test_an_event_is_accepted_with_202_and_no_body(api: KlaviyoApi, kl: KlaviyoEmulator) -> None:
    answer = api.event(
        "Opened Email",
        "ada@example.com",
        unique_id="cc:open:1",
        time="2026-07-10T09:30:15.750Z",
        value=3.5,
        properties={"campaign_name": "Spring"},
    )
    assert answer.status_code == 202 and answer.content == b""
    [event] = kl.events("Opened Email")
    assert event["time"].isoformat() == "2026-07-10T09:30:15+00:00"  # truncated to the second
    assert event["properties"] == {
        "campaign_name": "Spring",
        "$value": 3.5,
        "$event_id": "cc:open:1",  # unique_id reads back here
    }
    assert event["integration"] == "api"  # not Klaviyo's own "Opened Email"
    profile_id = kl.profile_by_email("ada@example.com")["id"]
    profile = api.get(f"/profiles/{profile_id}").json()["data"]["attributes"]
    assert profile["last_event_date"] == "2026-07-10T09:30:15+00:00"


def test_a_repeated_unique_id_is_dropped_even_at_another_time(
    api: KlaviyoApi, kl: KlaviyoEmulator
) -> None:
    api.event("Opened Email", "ada@example.com", unique_id="u1", time="2026-07-10T09:00:00Z")
    again = api.event(
        "Opened Email", "ada@example.com", unique_id="u1", time="2026-07-11T09:00:00Z"
    )
    assert again.status_code == 202
    assert [e["time"].day for e in kl.events("Opened Email")] == [10]  # the first kept
    api.event("Clicked Email", "ada@example.com", unique_id="u1", time="2026-07-10T09:00:00Z")
    api.event("Opened Email", "grace@example.com", unique_id="u1", time="2026-07-10T09:00:00Z")
    assert kl.event_count() == 3  # the key is per profile and metric


def test_without_unique_id_one_event_a_second_is_kept(api: KlaviyoApi, kl: KlaviyoEmulator) -> None:
    api.event("Opened Email", "ada@example.com", time="2026-07-10T09:00:00.100Z")
    api.event("Opened Email", "ada@example.com", time="2026-07-10T09:00:00.900Z")
    api.event("Opened Email", "ada@example.com", time="2026-07-10T09:00:01Z")
    assert kl.event_count("Opened Email") == 2


def test_backfill_records_without_triggering_flows(api: KlaviyoApi, kl: KlaviyoEmulator) -> None:
    api.event(
        "Opened Email",
        "ada@example.com",
        unique_id="u1",
        backfill=True,
        time="2026-06-01T00:00:00Z",
    )
    assert kl.events("Opened Email")[0]["backfill"] is True
    assert kl.flows_triggered() == []
    api.event("Opened Email", "ada@example.com", unique_id="u2")
    assert [(f["kind"], f["detail"]) for f in kl.flows_triggered()] == [("metric", "Opened Email")]


def test_backfill_is_refused_by_revisions_before_2026_07_15(
    api: KlaviyoApi, kl: KlaviyoEmulator
) -> None:
    api.revision = "2026-04-15"
    answer = api.event("Opened Email", "ada@example.com", backfill=True)
    assert answer.status_code == 400
    assert error_of(answer)["detail"] == "'backfill' is not a valid field for the resource 'event'."
    assert kl.event_count("Opened Email") == 0


def test_event_times_must_be_after_1990_and_within_a_year(
    api: KlaviyoApi, clock: FakeClock
) -> None:
    assert (
        api.event("Opened Email", "a@example.com", time="1989-12-31T23:59:59Z").status_code == 400
    )
    assert (
        api.event("Opened Email", "a@example.com", time="2027-09-02T12:00:00Z").status_code == 400
    )
    assert (
        api.event("Opened Email", "a@example.com", time="2026-06-03T12:00:00Z").status_code == 202
    )
    assert api.event("Opened Email", "a@example.com", time="yesterday").status_code == 400


def test_metric_names_are_limited_and_events_need_properties(api: KlaviyoApi) -> None:
    assert api.event("x" * 128, "a@example.com").status_code == 400
    body = {
        "data": {
            "type": "event",
            "attributes": {
                "metric": {"data": {"type": "metric", "attributes": {"name": "Opened Email"}}},
                "profile": {"data": {"type": "profile", "attributes": {"email": "a@example.com"}}},
            },
        }
    }
    assert api.post("/events", json=body).status_code == 400
    too_many = {f"p{i}": i for i in range(401)}
    assert api.event("Opened Email", "a@example.com", properties=too_many).status_code == 400


def test_a_bulk_request_holds_at_most_a_thousand_events(
    api: KlaviyoApi, kl: KlaviyoEmulator
) -> None:
    def entries(count: int) -> list[tuple[str, list[dict[str, str]]]]:
        return [
            (
                f"p{i}@example.com",
                [
                    {
                        "metric": "Received Email",
                        "unique_id": f"r{i}",
                        "time": "2026-07-01T10:00:00Z",
                    }
                ],
            )
            for i in range(count)
        ]

    too_many = api.bulk_events(entries(1001), backfill=True)
    assert too_many.status_code == 400
    assert kl.event_count("Received Email") == 0
    fine = api.bulk_events(entries(1000), backfill=True)
    assert fine.status_code == 202 and fine.content == b""
    assert kl.event_counts(integration="api") == {"Received Email": 1000}
    assert kl.profile_count() == 1000  # profiles made as needed
    assert kl.flows_triggered() == []


def test_a_bulk_request_with_one_bad_event_stores_nothing(
    api: KlaviyoApi, kl: KlaviyoEmulator
) -> None:
    answer = api.bulk_events(
        [
            ("a@example.com", [{"metric": "Opened Email", "unique_id": "o1"}]),
            ("b@example.com", [{"metric": "Opened Email", "time": "not a time"}]),
        ]
    )
    assert answer.status_code == 400
    assert error_of(answer)["source"]["pointer"] == (
        "/data/attributes/events-bulk-create/data/1/attributes/events/data/0/attributes/time"
    )
    assert kl.event_count() == 0 and kl.profile_count() == 0


def test_a_rerun_of_the_same_bulk_adds_nothing(api: KlaviyoApi, kl: KlaviyoEmulator) -> None:
    batch = [
        (
            "ada@example.com",
            [
                {
                    "metric": "Opened Email",
                    "unique_id": "cc:open:a1:c1:2026-07-01T10:00:00Z",
                    "time": "2026-07-01T10:00:00Z",
                },
                {
                    "metric": "Clicked Email",
                    "unique_id": "cc:click:a1:c1:2026-07-01T10:05:00Z",
                    "time": "2026-07-01T10:05:00Z",
                },
            ],
        )
    ]
    api.bulk_events(batch, backfill=True)
    api.bulk_events(batch, backfill=True)
    assert kl.event_counts(integration="api") == {"Opened Email": 1, "Clicked Email": 1}


def test_events_read_newest_first_and_filter_by_metric(
    api: KlaviyoApi, kl: KlaviyoEmulator
) -> None:
    for day in (1, 2, 3):
        api.event(
            "Opened Email", "ada@example.com", unique_id=f"o{day}", time=f"2026-07-0{day}T10:00:00Z"
        )
    api.event("Clicked Email", "ada@example.com", unique_id="c1", time="2026-07-04T10:00:00Z")
    opened = next(
        m
        for m in api.get("/metrics").json()["data"]
        if m["attributes"]["name"] == "Opened Email"
        and m["attributes"]["integration"]["key"] == "api"
    )
    body = api.get("/events", params={"filter": f'equals(metric_id,"{opened["id"]}")'}).json()
    assert [e["attributes"]["event_properties"]["$event_id"] for e in body["data"]] == [
        "o3",
        "o2",
        "o1",
    ]
    oldest = api.get(
        "/events",
        params={
            "filter": f'equals(metric_id,"{opened["id"]}")',
            "sort": "datetime",
            "page[size]": 2,
        },
    ).json()
    assert [e["attributes"]["event_properties"]["$event_id"] for e in oldest["data"]] == [
        "o1",
        "o2",
    ]
    rest = api.get(oldest["links"]["next"]).json()
    assert [e["attributes"]["event_properties"]["$event_id"] for e in rest["data"]] == ["o3"]
    after = api.get(
        "/events", params={"filter": "greater-or-equal(datetime,2026-07-03T00:00:00Z)"}
    ).json()
    assert {e["attributes"]["event_properties"]["$event_id"] for e in after["data"]} == {"o3", "c1"}


def test_metrics_come_in_one_page_with_the_new_accounts_own(api: KlaviyoApi) -> None:
    body = api.get("/metrics").json()
    assert body["links"]["next"] is None
    names = {(m["attributes"]["name"], m["attributes"]["integration"]["key"]) for m in body["data"]}
    assert ("Received Email", "klaviyo") in names and ("Active on Site", "api") in names
    assert len(body["data"]) == 20
    ids = [m["id"] for m in body["data"]]
    assert ids == sorted(ids)
