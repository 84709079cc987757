"""Consent in the Klaviyo emulator: subscription jobs (historical import), unsubscribes that
go global, suppression jobs, and what a later subscription does to a suppressed profile."""

from __future__ import annotations

from app.sandbox.klaviyo import KlaviyoEmulator
from tests.sandbox.fake_clock import FakeClock
from tests.sandbox.klaviyo.kl_support import KlaviyoApi, error_of


def _metric_names(kl: KlaviyoEmulator, email: str) -> list[str]:
    return [e["metric"] for e in kl.events(email=email)]


def test_a_historical_subscription_subscribes_without_flows_or_a_body(
    api: KlaviyoApi, kl: KlaviyoEmulator
) -> None:
    list_id = api.create_list("CC – Newsletter")
    answer = api.subscribe(["ada@example.com"], list_id=list_id, consented_at="2024-11-25")
    assert answer.status_code == 202 and answer.content == b""
    ada = kl.profile_by_email("ada@example.com")  # made, as the spec says
    assert ada["consent"] == "SUBSCRIBED"
    assert ada["consented_at"].isoformat() == "2024-11-25T00:00:00+00:00"
    assert ada["lists"] == [list_id]
    assert ada["properties"]["$consent"] == ["email"]  # Klaviyo's own keys, readers skip them
    assert _metric_names(kl, "ada@example.com") == [
        "Subscribed to List",
        "Subscribed to Email Marketing",
    ]
    assert kl.flows_triggered() == []


def test_a_subscription_without_historical_import_starts_the_lists_flows(
    api: KlaviyoApi, kl: KlaviyoEmulator
) -> None:
    list_id = api.create_list("Welcome")
    api.subscribe(["ada@example.com"], list_id=list_id, historical=False, consented_at=None)
    assert [(f["kind"], f["email"]) for f in kl.flows_triggered()] == [
        ("added_to_list", "ada@example.com")
    ]


def test_a_double_opt_in_list_only_sends_a_confirmation(
    api: KlaviyoApi, kl: KlaviyoEmulator
) -> None:
    list_id = api.create_list("Confirmed", opt_in_process="double_opt_in")
    api.subscribe(["ada@example.com"], list_id=list_id, historical=False, consented_at=None)
    assert kl.profile_by_email("ada@example.com")["consent"] == "NEVER_SUBSCRIBED"
    assert [f["kind"] for f in kl.flows_triggered()] == ["double_opt_in_confirmation"]
    api.subscribe(["grace@example.com"], list_id=list_id)  # historical: no confirmation
    assert kl.profile_by_email("grace@example.com")["consent"] == "SUBSCRIBED"


def test_historical_import_needs_a_past_consent_time(api: KlaviyoApi, kl: KlaviyoEmulator) -> None:
    missing = api.subscribe(["ada@example.com"], consented_at=None)
    assert missing.status_code == 400
    assert error_of(missing)["source"]["pointer"].endswith("/consented_at")
    future = api.subscribe(["ada@example.com"], consented_at="2027-01-01T00:00:00Z")
    assert future.status_code == 400
    assert kl.profile_by_email("ada@example.com") is None


def test_at_most_a_thousand_subscriptions_and_a_hundred_unsubscribes_a_call(
    api: KlaviyoApi,
) -> None:
    assert api.subscribe([f"p{i}@example.com" for i in range(1001)]).status_code == 400
    assert api.subscribe([f"p{i}@example.com" for i in range(1000)]).status_code == 202
    assert api.unsubscribe([f"p{i}@example.com" for i in range(101)]).status_code == 400
    assert api.unsubscribe([f"p{i}@example.com" for i in range(100)]).status_code == 202


def test_unsubscribing_a_list_member_is_global_and_takes_them_off_the_list(
    api: KlaviyoApi, kl: KlaviyoEmulator
) -> None:
    newsletter = api.create_list("Newsletter")
    offers = api.create_list("Offers")
    api.subscribe(["ada@example.com"], list_id=newsletter)
    api.subscribe(["ada@example.com"], list_id=offers)
    answer = api.unsubscribe(["ada@example.com"], list_id=newsletter)
    assert answer.status_code == 202 and answer.content == b""
    ada = kl.profile_by_email("ada@example.com")
    assert ada["consent"] == "UNSUBSCRIBED"  # from all email marketing, not only the list
    assert ada["lists"] == [offers]
    assert ada["suppressions"] == ["UNSUBSCRIBE"]
    assert ada["can_receive_email_marketing"] is False
    before = _metric_names(kl, "ada@example.com")
    assert before[-2:] == ["Unsubscribed from List", "Unsubscribed from Email Marketing"]
    api.unsubscribe(["ada@example.com"], list_id=newsletter)
    assert _metric_names(kl, "ada@example.com") == before  # a repeat adds no events


def test_a_suppression_job_applies_when_it_completes(api: KlaviyoApi, kl: KlaviyoEmulator) -> None:
    kl.add_profile("ada@example.com", subscribed=True)
    made = api.suppress(["ada@example.com", "bounced@example.com"])
    assert made.status_code == 202
    job = made.json()["data"]
    assert job["type"] == "profile-suppression-bulk-create-job"
    assert job["attributes"]["status"] == "queued"
    assert kl.suppressions() == {}
    for _ in range(kl.settings.job_polls):
        job = api.get(f"/profile-suppression-bulk-create-jobs/{job['id']}").json()["data"]
    assert (job["attributes"]["status"], job["attributes"]["completed_count"]) == ("complete", 2)
    assert kl.suppressions() == {
        "ada@example.com": ["USER_SUPPRESSED"],
        "bounced@example.com": ["USER_SUPPRESSED"],
    }
    assert (
        kl.profile_by_email("ada@example.com")["consent"] == "SUBSCRIBED"
    )  # consent kept, cannot receive
    assert kl.profile_by_email("ada@example.com")["can_receive_email_marketing"] is False


def test_suppressing_someone_already_suppressed_is_skipped(
    api: KlaviyoApi, kl: KlaviyoEmulator
) -> None:
    kl.suppress("ada@example.com", "USER_SUPPRESSED")
    job = api.suppress(["ada@example.com"]).json()["data"]
    kl.complete_jobs()
    job = api.get(f"/profile-suppression-bulk-create-jobs/{job['id']}").json()["data"]["attributes"]
    assert (job["completed_count"], job["skipped_count"]) == (0, 1)


def test_at_most_a_hundred_emails_a_suppression_call(api: KlaviyoApi, kl: KlaviyoEmulator) -> None:
    answer = api.suppress([f"p{i}@example.com" for i in range(101)])
    assert answer.status_code == 400
    assert kl.jobs("suppression") == []


def test_a_list_can_be_suppressed_whole(api: KlaviyoApi, kl: KlaviyoEmulator) -> None:
    list_id = kl.add_list("Bounced in CC")
    kl.add_profiles({"email": f"b{i}@example.com", "lists": [list_id]} for i in range(3))
    answer = api.post(
        "/profile-suppression-bulk-create-jobs",
        json={
            "data": {
                "type": "profile-suppression-bulk-create-job",
                "attributes": {},
                "relationships": {"list": {"data": {"type": "list", "id": list_id}}},
            }
        },
    )
    assert answer.status_code == 202
    assert answer.json()["data"]["attributes"]["total_count"] == 3
    kl.complete_jobs()
    assert len(kl.suppressions()) == 3


def test_a_subscription_lifts_user_suppressions_and_unsubscribes_as_the_spec_says(
    api: KlaviyoApi, kl: KlaviyoEmulator
) -> None:
    kl.unsubscribe("unsub@example.com")
    kl.suppress("manual@example.com", "USER_SUPPRESSED")
    kl.suppress("bounce@example.com", "HARD_BOUNCE")
    api.subscribe(["unsub@example.com", "manual@example.com", "bounce@example.com"])
    assert kl.profile_by_email("unsub@example.com")["can_receive_email_marketing"] is True
    assert kl.profile_by_email("manual@example.com")["suppressions"] == []
    bounce = kl.profile_by_email("bounce@example.com")
    assert bounce["consent"] == "SUBSCRIBED"
    assert bounce["suppressions"] == ["HARD_BOUNCE"] and not bounce["can_receive_email_marketing"]
    # The consent rule's tripwire: every address subscribed again after opting out.
    assert kl.resubscribed_after_opt_out() == [
        "bounce@example.com",
        "manual@example.com",
        "unsub@example.com",
    ]
    changes = [c["change"] for c in kl.consent_history("manual@example.com")]
    assert changes == ["SUPPRESSED:USER_SUPPRESSED", "UNSUPPRESSED", "SUBSCRIBED"]


def test_the_clearing_rule_can_be_turned_off(api: KlaviyoApi, kl: KlaviyoEmulator) -> None:
    kl.settings.subscribe_clears_suppressions = False
    kl.suppress("manual@example.com", "USER_SUPPRESSED")
    api.subscribe(["manual@example.com"])
    assert kl.profile_by_email("manual@example.com")["suppressions"] == ["USER_SUPPRESSED"]


def test_sms_consent_needs_a_phone_number(
    api: KlaviyoApi, kl: KlaviyoEmulator, clock: FakeClock
) -> None:
    body = {
        "data": {
            "type": "profile-subscription-bulk-create-job",
            "attributes": {
                "profiles": {
                    "data": [
                        {
                            "type": "profile",
                            "attributes": {
                                "email": "ada@example.com",
                                "subscriptions": {"sms": {"marketing": {"consent": "SUBSCRIBED"}}},
                            },
                        }
                    ]
                }
            },
        }
    }
    answer = api.post("/profile-subscription-bulk-create-jobs", json=body)
    assert answer.status_code == 400
    assert "'phone_number' must not be empty" in error_of(answer)["detail"]
