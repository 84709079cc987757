"""A Constant Contact account moved into Klaviyo, through the engine and both emulators.

The first migration (lists, profiles, consent, suppressions, 90 days of events), hourly
re-runs that send only what changed, an email change, an unsubscribe between runs, a
deletion, throttling, Klaviyo's daily list limit, and import errors read back per contact.
"""

from __future__ import annotations

from datetime import timedelta

from app.connectors.klaviyo.settings import KlaviyoSettings, OptedOutAs
from app.core.outcomes import Outcome, RunStatus
from tests.connectors.klaviyo.kl_world import CC_INTEGRATION, World

IMPORT = "POST /api/profile-bulk-import-jobs"
SUBSCRIBE = "POST /api/profile-subscription-bulk-create-jobs"
EVENTS = "POST /api/event-bulk-create-jobs"


def _shop(world: World) -> dict[str, str]:
    """A small account: subscribers on two lists, one unsubscribed, one never asked."""
    ids = {
        "ada.lovelace@example.com": world.contact(
            "ada.lovelace@example.com", "explicit", ["Newsletter", "Wholesale"], job_title="Poet"
        ),
        "alan.turing@example.com": world.contact(
            "alan.turing@example.com", "implicit", ["Newsletter"]
        ),
        "grace.hopper@example.com": world.contact(
            "grace.hopper@example.com", "implicit", ["Newsletter"]
        ),
        "kurt.godel@example.com": world.contact(
            "kurt.godel@example.com", "not_set", ["Newsletter"]
        ),
    }
    world.cc.set_permission("grace.hopper@example.com", "unsubscribed")  # leaves every list
    world.save_profile(["Newsletter", "Wholesale"])
    return ids


def test_a_first_migration_brings_lists_profiles_consent_suppressions_and_events(
    world: World,
) -> None:
    ids = _shop(world)
    world.cc.seed_campaign("Spring menu", ["Newsletter"], open_rate=0.5, click_rate=0.25)
    summary = world.sync()
    assert summary.status == RunStatus.COMPLETED, summary.message
    assert summary.counts.created == 4 and summary.counts.total == 4
    # The run is worded on Klaviyo's side: "Created in Klaviyo", in history and the CLI too.
    assert summary.source_name == "Klaviyo" and summary.message.startswith("Created in Klaviyo: 4")
    assert world.service.runs.history(world.profile_id or 0)[0].source_name == "Klaviyo"
    kl = world.kl
    # Lists made from Constant Contact's, with their members (never the unsubscribed one).
    newsletter, wholesale = kl.list_by_name("Newsletter"), kl.list_by_name("Wholesale")
    assert newsletter and wholesale
    assert kl.list_member_emails(newsletter["id"]) == {
        "ada.lovelace@example.com",
        "alan.turing@example.com",
        "kurt.godel@example.com",
    }
    assert kl.list_member_emails(wholesale["id"]) == {"ada.lovelace@example.com"}
    # One profile per contact, keyed by the contact id.
    ada = kl.profile_by_external_id(ids["ada.lovelace@example.com"])
    assert ada and ada["email"] == "ada.lovelace@example.com" and ada["title"] == "Poet"
    assert ada["properties"]["cc_lists"] == ["Newsletter", "Wholesale"]
    # Consent: subscribers subscribed (historical, no flows); never asked: nothing given.
    assert ada["consent"] == "SUBSCRIBED"
    assert kl.profile_by_email("alan.turing@example.com")["consent"] == "SUBSCRIBED"
    assert kl.profile_by_email("kurt.godel@example.com")["consent"] == "NEVER_SUBSCRIBED"
    # The unsubscribed person is suppressed, never subscribed.
    grace = kl.profile_by_email("grace.hopper@example.com")
    assert grace["suppressions"] == ["USER_SUPPRESSED"] and grace["consent"] != "SUBSCRIBED"
    assert "suppressed in Klaviyo" in world.result_for(summary, "grace.hopper@example.com").detail
    # Events: received, opened and clicked, from Constant Contact, as backfill.
    counts = kl.event_counts(integration=CC_INTEGRATION)
    assert counts["Received Email"] == world.cc_events(["send"]) > 0
    assert counts["Opened Email"] == world.cc_events(["open"]) > 0
    assert sum(counts.values()) == world.cc_events()
    events = kl.events("Received Email")
    assert all(e["backfill"] and not e["triggered_flow"] for e in events)
    assert all(e["unique_id"].startswith("cc:em_sends:") for e in events)
    assert kl.flows_triggered() == []
    assert summary.message.count("campaign events to Klaviyo") == 1  # said once
    assert kl.resubscribed_after_opt_out() == []


def test_an_hourly_rerun_sends_only_what_changed_and_never_an_event_twice(world: World) -> None:
    _shop(world)
    campaign = world.cc.seed_campaign("Spring menu", ["Newsletter"], open_rate=0.5)
    world.sync()
    stored = world.kl.event_count()
    world.kl.reset_counts()
    again = world.sync()
    assert again.counts.unchanged == again.counts.total == 4
    assert world.kl_writes() == {}  # nothing changed: not one write
    assert world.kl.event_count() == stored
    # A name changed in Constant Contact, and some late opens arrive.
    world.tick()
    alan = world.cc_client.get_contact_by_email("alan.turing@example.com")
    assert alan is not None
    newsletter = world.cc.list_id("Newsletter")
    assert newsletter is not None
    world.cc_client.start_contacts_import(
        [{"email": "alan.turing@example.com", "first_name": "Alan Mathison"}], [newsletter]
    )
    world.cc.wait_for_activities()
    added = world.cc.add_campaign_activity(campaign, fraction=0.5)
    world.kl.reset_counts()
    third = world.sync()
    assert third.counts.updated == 1 and third.counts.unchanged == 3
    assert world.kl.profile_by_email("alan.turing@example.com")["first_name"] == "Alan Mathison"
    assert world.kl_writes().get(IMPORT) == 1 and SUBSCRIBE not in world.kl_writes()
    assert added and world.kl.event_count(None) > stored
    assert sum(world.kl.event_counts(integration=CC_INTEGRATION).values()) == world.cc_events()


def test_an_email_change_updates_the_same_profile(world: World) -> None:
    ids = _shop(world)
    world.sync()
    profiles = world.kl.profile_count()
    world.tick()
    world.cc_client.update_contact_email(ids["alan.turing@example.com"], "alan@bletchley.example")
    summary = world.sync()
    assert world.kl.profile_count() == profiles  # the same person, not a second profile
    moved = world.kl.profile_by_external_id(ids["alan.turing@example.com"])
    assert moved["email"] == "alan@bletchley.example" and moved["consent"] == "SUBSCRIBED"
    assert world.result_for(summary, "alan@bletchley.example").outcome == Outcome.UPDATED


def test_a_contact_who_unsubscribes_between_runs_is_suppressed_and_never_subscribed_again(
    world: World,
) -> None:
    _shop(world)
    world.sync()
    world.tick()
    world.cc.set_permission("alan.turing@example.com", "unsubscribed")
    summary = world.sync()
    alan = world.kl.profile_by_email("alan.turing@example.com")
    assert alan["suppressions"] == ["USER_SUPPRESSED"]
    assert world.result_for(summary, "alan.turing@example.com").action == "import_update"
    # He opts back in at Constant Contact: Klaviyo keeps him suppressed (only he can undo it).
    world.tick()
    world.cc.set_permission("alan.turing@example.com", "explicit")
    newsletter = world.cc.list_id("Newsletter")
    assert newsletter is not None
    world.cc_client.start_contacts_import([{"email": "alan.turing@example.com"}], [newsletter])
    world.cc.wait_for_activities()
    world.kl.reset_counts()
    back = world.sync()
    result = world.result_for(back, "alan.turing@example.com")
    assert "only they can opt back in" in result.detail
    assert SUBSCRIBE not in world.kl_writes()
    assert world.kl.profile_by_email("alan.turing@example.com")["suppressions"]
    assert world.kl.resubscribed_after_opt_out() == []


def test_unsubscribes_become_unsubscribes_when_the_profile_says_so(world: World) -> None:
    _shop(world)
    world.save_profile(
        ["Newsletter", "Wholesale"], KlaviyoSettings(opted_out_as=OptedOutAs.UNSUBSCRIBE)
    )
    summary = world.sync()
    grace = world.kl.profile_by_email("grace.hopper@example.com")
    assert grace["consent"] == "UNSUBSCRIBED" and grace["suppressions"] == ["UNSUBSCRIBE"]
    assert "unsubscribed in Klaviyo" in world.result_for(summary, "grace.hopper@example.com").detail


def test_someone_klaviyo_holds_suppressed_is_not_subscribed(world: World) -> None:
    _shop(world)
    world.kl.add_profile("ada.lovelace@example.com")
    world.kl.unsubscribe("ada.lovelace@example.com")  # she unsubscribed in Klaviyo already
    summary = world.sync()
    ada = world.kl.profile_by_email("ada.lovelace@example.com")
    assert ada["consent"] == "UNSUBSCRIBED"
    assert (
        "Not subscribed in Klaviyo" in world.result_for(summary, "ada.lovelace@example.com").detail
    )
    assert world.kl.resubscribed_after_opt_out() == []


def test_a_contact_deleted_in_constant_contact_is_kept_in_klaviyo_and_listed_once(
    world: World,
) -> None:
    ids = _shop(world)
    world.sync()
    world.tick()
    world.cc_client.delete_contact(ids["kurt.godel@example.com"])
    summary = world.sync()
    (gone,) = [r for r in world.results(summary) if r.key == ids["kurt.godel@example.com"]]
    assert gone.outcome == Outcome.SKIPPED
    assert gone.reason == "Deleted in Constant Contact, kept in Klaviyo"
    assert world.kl.profile_by_email("kurt.godel@example.com") is not None
    later = world.sync()
    assert all(r.key != ids["kurt.godel@example.com"] for r in world.results(later))


def test_profiles_klaviyo_refuses_fail_alone_with_its_reason(world: World) -> None:
    _shop(world)
    world.kl.add_profile("alan.turing@example.com", external_id="someone-else")
    summary = world.sync()
    assert summary.status == RunStatus.COMPLETED_WITH_ERRORS
    alan = world.result_for(summary, "alan.turing@example.com")
    assert alan.outcome == Outcome.FAILED
    assert "Klaviyo refused this profile" in alan.reason and "already exists" in alan.reason
    assert summary.counts.created == 3 and summary.counts.failed == 1
    # Nothing was subscribed for him (his profile is not ours).
    assert world.kl.profile_by_email("alan.turing@example.com")["consent"] == "NEVER_SUBSCRIBED"


def test_a_storm_of_429s_with_and_without_retry_after_is_sat_through(world: World) -> None:
    _shop(world)
    world.kl.faults.retry_after = 0
    world.kl.faults.force(IMPORT, "429", 3)
    world.kl.faults.force(SUBSCRIBE, "429-bare", 3)
    summary = world.sync()
    assert summary.status == RunStatus.COMPLETED, summary.message
    assert summary.counts.created == 4
    # Three jobs (one per set of lists), after three refusals.
    assert world.kl.request_counts()[IMPORT] == 3 + 3
    assert world.kl.profile_count() == 4


def test_the_daily_list_limit_pauses_the_run_and_the_next_day_resumes_it(world: World) -> None:
    _shop(world)
    world.kl.use_up_daily_list_creations()
    paused = world.sync()
    assert paused.status == RunStatus.PAUSED
    assert "150 new lists a day" in paused.message
    assert world.kl.profile_count() == 0  # stopped before any profile went
    world.kl.advance(days=1, minutes=1)
    resumed = world.sync()
    assert resumed.run_id == paused.run_id and resumed.status == RunStatus.COMPLETED
    assert world.kl.list_by_name("Newsletter") and world.kl.profile_count() == 4


def test_a_dry_run_shows_what_the_run_would_create_and_writes_nothing(world: World) -> None:
    _shop(world)
    world.cc.seed_campaign("Spring menu", ["Newsletter"])
    world.kl.reset_counts()
    preview = world.sync(dry_run=True)
    assert preview.status == RunStatus.DRY_RUN and preview.counts.created == 4
    assert "Would create 2 lists in Klaviyo" in preview.message
    assert "Would copy" in preview.message and "campaign events" in preview.message
    assert world.kl_writes() == {}
    assert world.kl.profile_count() == 0
    first = world.sync()
    assert first.counts.created == 4 and first.run_id != preview.run_id


def test_activity_older_than_90_days_is_not_copied(world: World) -> None:
    _shop(world)
    old = world.cc.campaign_now() - timedelta(days=120)
    world.cc.seed_campaign("Last year", ["Newsletter"], sent_at=old)
    world.sync()
    assert world.kl.event_counts(integration=CC_INTEGRATION) == {}


def test_a_contact_brought_in_a_later_run_brings_its_earlier_activity(world: World) -> None:
    world.contact("ada.lovelace@example.com", "explicit", ["Newsletter"])
    world.contact("bob.baker@example.com", "explicit", ["Wholesale"])
    world.save_profile(["Newsletter"])
    world.cc.seed_campaign("Trade prices", ["Wholesale"], open_rate=0.9, bounce_rate=0.0)
    world.cc.seed_campaign("Spring menu", ["Newsletter"], open_rate=0.9, bounce_rate=0.0)
    world.sync()
    assert world.kl.events(email="bob.baker@example.com") == []
    # Bob joins the list brought: his Klaviyo profile gets his earlier activity too.
    world.tick()
    newsletter = world.cc.list_id("Newsletter")
    assert newsletter is not None
    world.cc_client.start_contacts_import([{"email": "bob.baker@example.com"}], [newsletter])
    world.cc.wait_for_activities()
    summary = world.sync()
    assert world.result_for(summary, "bob.baker@example.com").outcome == Outcome.CREATED
    bobs = world.kl.events(email="bob.baker@example.com")
    copied = {e["metric"] for e in bobs if e["integration"] == CC_INTEGRATION}
    assert copied == {"Received Email", "Opened Email"}
    assert sum(world.kl.event_counts(integration=CC_INTEGRATION).values()) == world.cc_events()


def test_a_changed_field_mapping_sends_every_profile_again(world: World) -> None:
    _shop(world)
    world.sync()
    world.save_profile(
        ["Newsletter", "Wholesale"], KlaviyoSettings(fields={"Job title": "property"})
    )
    world.kl.reset_counts()
    summary = world.sync()
    assert summary.counts.updated == 4  # read whole again: the profile changed
    ada = world.kl.profile_by_email("ada.lovelace@example.com")
    assert ada["properties"]["Job title"] == "Poet"
    assert SUBSCRIBE not in world.kl_writes()  # consent is given once, never again
