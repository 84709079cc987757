"""Campaigns and their reports as the real Constant Contact serves them, and the campaign clock.

What a statistics pull depends on: newest-first pages that reach the end, "Draft" in the
list and "DRAFT" in the campaign, a draft's reports a 404, the 150-id cap and one bad id
failing a whole stats call, opt-outs that unsubscribe, and late activity that arrives only
for campaigns sent in the last 72 hours.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest

from app.sandbox.constant_contact import ConstantContactEmulator, seed_sample_campaigns
from app.sandbox.samples import EXISTING
from tests.sandbox.cc_support import Api, FakeClock

MS_STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
LIMIT_ERROR = [
    {
        "error_key": "contacts.api.validation.error",
        "error_message": "limit does not have a valid value",
    }
]
NOWHERE = "00000000-0000-4000-8000-000000000000"


def pages(api: Api, path: str) -> list[dict[str, Any]]:
    """Every page of a listing, following ``_links.next.href`` to the end."""
    out = [api.get(path).json()]
    while out[-1].get("_links", {}).get("next"):
        response = api.get(out[-1]["_links"]["next"]["href"])
        assert response.status_code == 200, response.text
        out.append(response.json())
    return out


def rows(
    api: Api, activity_id: str, report: str, limit: int = 500, query: str = ""
) -> list[dict[str, Any]]:
    path = f"/reports/email_reports/{activity_id}/tracking/{report}?limit={limit}{query}"
    return [row for page in pages(api, path) for row in page["tracking_activities"]]


def stats(api: Api, campaign_id: str) -> dict[str, int]:
    response = api.get(f"/reports/stats/email_campaigns/{campaign_id}")
    assert response.status_code == 200, response.text
    return response.json()["results"][0]["stats"]


@pytest.fixture
def sent(emulator: ConstantContactEmulator) -> str:
    """A campaign sent three days ago to 1,200 new contacts, with every kind of activity."""
    return emulator.seed_campaign(
        "March newsletter",
        ["Regulars"],
        sends=1200,
        open_rate=0.35,
        click_rate=0.08,
        bounce_rate=0.02,
        optout_rate=0.01,
        forward_rate=0.01,
        sent_at=emulator.campaign_now() - timedelta(days=3),
        rng_seed=3,
    )


# -- /emails ----------------------------------------------------------------------------------


def test_emails_newest_first_with_next_links_drafts_and_deleted_included(
    emulator: ConstantContactEmulator, api: Api, clock: FakeClock
) -> None:
    now = emulator.campaign_now()
    old = emulator.seed_campaign(
        "January newsletter", ["R"], sends=3, sent_at=now - timedelta(days=60)
    )
    gone = emulator.seed_campaign("Test send", ["R"], sends=2, sent_at=now - timedelta(days=30))
    emulator.delete_campaign(gone)
    clock.advance(hours=1)
    done = emulator.seed_campaign(
        "March newsletter", ["R"], sends=3, sent_at=now - timedelta(days=2)
    )
    clock.advance(hours=1)
    draft = emulator.create_draft_campaign("Spring sale")

    listed = pages(api, "/emails?limit=2")

    assert [len(p["campaigns"]) for p in listed] == [2, 2]
    assert "next=" in listed[0]["_links"]["next"]["href"]
    assert "_links" not in listed[-1]
    campaigns = [c for p in listed for c in p["campaigns"]]
    assert [c["campaign_id"] for c in campaigns] == [draft, gone, done, old]  # by updated_at
    status = {c["name"]: c["current_status"] for c in campaigns}
    assert status == {
        "Spring sale": "Draft",
        "Test send": "Removed",
        "March newsletter": "Done",
        "January newsletter": "Done",
    }
    assert all(
        MS_STAMP.match(c["created_at"]) and MS_STAMP.match(c["updated_at"]) for c in campaigns
    )
    assert api.get(f"/emails/{draft}").json()["current_status"] == "DRAFT"
    assert api.get(f"/emails/{done}").json()["current_status"] == "DONE"


def test_emails_after_and_before_date_filter_on_updated_at(
    emulator: ConstantContactEmulator, api: Api
) -> None:
    now = emulator.campaign_now()
    first = emulator.seed_campaign("Old", ["R"], sends=2, sent_at=now - timedelta(days=20))
    emulator.seed_campaign("New", ["R"], sends=2, sent_at=now - timedelta(days=2))
    emulator.delete_campaign(first)  # deleting it now makes it "updated" now

    since = (now - timedelta(days=5)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    after = api.get(f"/emails?after_date={since}").json()["campaigns"]
    before = api.get(f"/emails?before_date={since}").json()["campaigns"]

    assert sorted(c["name"] for c in after) == ["New", "Old"]
    assert before == []
    assert api.get("/emails?after_date=yesterday").status_code == 400


@pytest.mark.parametrize("path", ["/emails", "/reports/summary_reports/email_campaign_summaries"])
@pytest.mark.parametrize("limit", ["0", "501", "ten"])
def test_limits_out_of_range_get_the_real_400(api: Api, path: str, limit: str) -> None:
    response = api.get(f"{path}?limit={limit}")
    assert response.status_code == 400
    assert response.json() == LIMIT_ERROR


def test_a_campaign_lists_its_activities_and_a_draft_has_no_reports(
    emulator: ConstantContactEmulator, api: Api, sent: str
) -> None:
    draft = emulator.create_draft_campaign("Spring sale")
    roles = {
        a["role"]: a["campaign_activity_id"]
        for a in api.get(f"/emails/{draft}").json()["campaign_activities"]
    }
    assert set(roles) == {"primary_email", "permalink"}

    activity = api.get(f"/emails/activities/{roles['primary_email']}").json()
    assert (activity["campaign_id"], activity["current_status"]) == (draft, "DRAFT")
    for report in ("sends", "opens", "didnotopens"):
        path = f"/reports/email_reports/{roles['primary_email']}/tracking/{report}"
        assert api.get(path).status_code == 404
    assert api.get(f"/reports/stats/email_campaigns/{draft}").status_code == 404
    permalink = emulator_activity(api, sent, "permalink")
    assert api.get(f"/reports/email_reports/{permalink}/tracking/opens").status_code == 404
    assert api.get(f"/emails/{NOWHERE}").status_code == 404
    assert api.get("/emails/not-a-campaign").status_code == 404


def emulator_activity(api: Api, campaign_id: str, role: str) -> str:
    listed = api.get(f"/emails/{campaign_id}").json()["campaign_activities"]
    return next(a["campaign_activity_id"] for a in listed if a["role"] == role)


# -- tracking reports -------------------------------------------------------------------------


def test_tracking_reports_page_newest_first_to_the_end(
    emulator: ConstantContactEmulator, api: Api, sent: str
) -> None:
    activity = emulator.campaign_activity_id(sent)
    listed = pages(api, f"/reports/email_reports/{activity}/tracking/sends")

    assert [len(p["tracking_activities"]) for p in listed] == [500, 500, 200]  # 500 by default
    assert "_links" not in listed[-1]
    sends = [r for p in listed for r in p["tracking_activities"]]
    times = [r["created_time"] for r in sends]
    assert times == sorted(times, reverse=True)
    assert all(MS_STAMP.match(t) for t in times)
    assert len({r["contact_id"] for r in sends}) == 1200
    assert {r["tracking_activity_type"] for r in sends} == {"em_sends"}


def test_rows_arriving_while_paging_neither_repeat_nor_hide_older_rows(
    emulator: ConstantContactEmulator, api: Api, sent: str, clock: FakeClock
) -> None:
    activity = emulator.campaign_activity_id(sent)
    before = rows(api, activity, "opens")
    first = api.get(f"/reports/email_reports/{activity}/tracking/opens?limit=100").json()

    clock.advance(minutes=5)
    added = emulator.add_campaign_activity(sent, 0.02)
    rest = pages(api, first["_links"]["next"]["href"])
    after = rows(api, activity, "opens")

    read = first["tracking_activities"] + [r for p in rest for r in p["tracking_activities"]]
    assert read == before  # the bookmark held: the new rows landed in front of it
    assert added > 0
    new = after[: len(after) - len(before)]
    assert after[len(new) :] == before
    assert min(r["created_time"] for r in new) > before[0]["created_time"]


def test_each_report_carries_its_own_fields(
    emulator: ConstantContactEmulator, api: Api, sent: str
) -> None:
    activity = emulator.campaign_activity_id(sent)
    counted = stats(api, sent)
    opens, clicks = rows(api, activity, "opens"), rows(api, activity, "clicks")
    bounces, optouts = rows(api, activity, "bounces"), rows(api, activity, "optouts")

    assert {o["device_type"] for o in opens} <= {"computer", "mobile", "tablet", "other"}
    assert all(c["url_id"].isdigit() and c["link_url"].startswith("https://") for c in clicks)
    assert all(b["bounce_code"] in "BDFSVXZ" and b["current_email_address"] for b in bounces)
    assert any("opt_out_reason" in o for o in optouts)
    assert all("device_type" not in r for r in rows(api, activity, "sends", 100)[:100])
    assert len(opens) == counted["em_opens_all"] > counted["em_opens"]
    unique = rows(api, activity, "unique_opens")
    assert len(unique) == len({u["contact_id"] for u in unique}) == counted["em_opens"]
    latest = {}
    for o in opens:  # newest first: the first row seen per contact is the latest open
        latest.setdefault(o["contact_id"], o["created_time"])
    assert {u["contact_id"]: u["created_time"] for u in unique} == latest
    not_opened = rows(api, activity, "didnotopens")
    assert len(not_opened) == counted["em_not_opened"]
    assert not {r["contact_id"] for r in not_opened} & {o["contact_id"] for o in opens}
    assert len(clicks) == counted["em_clicks_all"]
    assert len(bounces) == counted["em_bounces"] and len(optouts) == counted["em_optouts"]
    url_id = clicks[0]["url_id"]
    assert {c["url_id"] for c in rows(api, activity, "clicks", query=f"&url_id={url_id}")} == {
        url_id
    }
    hard = [b for b in bounces if b["bounce_code"] == "B"]
    assert rows(api, activity, "bounces", query="&bounce_code=B") == hard


def test_a_deleted_contact_shows_a_deleted_at_date(
    emulator: ConstantContactEmulator, api: Api, sent: str
) -> None:
    activity = emulator.campaign_activity_id(sent)
    someone = rows(api, activity, "sends", 10)[:1][0]
    assert api.delete(f"/contacts/{someone['contact_id']}").status_code == 204

    again = next(
        r for r in rows(api, activity, "sends") if r["contact_id"] == someone["contact_id"]
    )

    assert re.fullmatch(r"\d{4}-\d\d-\d\d", again["deleted_at"])
    assert "deleted_at" not in someone


def test_there_is_no_unsubscribes_report(
    emulator: ConstantContactEmulator, api: Api, sent: str
) -> None:
    activity = emulator.campaign_activity_id(sent)
    assert api.get(f"/reports/email_reports/{activity}/tracking/unsubscribes").status_code == 404
    assert api.get(f"/reports/email_reports/{activity}/tracking/optouts").status_code == 200


def test_a_page_of_500_newest_first_reads_an_index(
    emulator: ConstantContactEmulator, sent: str
) -> None:
    from app.sandbox.constant_contact import campaign_store

    with emulator.state.tx() as conn:
        act = campaign_store.primary_act(conn, sent)
        assert act is not None
        for report in ("opens", "unique_opens", "didnotopens"):
            sql, values = _captured_page_sql(conn, act, report)
            plan = " ".join(r[-1] for r in conn.execute(f"EXPLAIN QUERY PLAN {sql}", values))
            assert "USING INDEX" in plan and "TEMP B-TREE" not in plan, (report, plan)


def _captured_page_sql(conn: Any, act: int, report: str) -> tuple[str, list[Any]]:
    from app.sandbox.constant_contact import campaign_store

    seen: list[tuple[str, list[Any]]] = []

    class Spy:
        def execute(self, sql: str, values: list[Any]) -> Any:
            seen.append((sql, values))
            return conn.execute(sql, values)

    campaign_store.page(Spy(), act, report, 500, (2**62, 2**62))  # type: ignore[arg-type]
    return seen[0]


# -- stats and summaries ----------------------------------------------------------------------


def test_campaign_stats_take_at_most_150_ids_and_one_bad_id_fails_the_call(
    emulator: ConstantContactEmulator, api: Api, sent: str
) -> None:
    other = emulator.seed_campaign("April newsletter", ["Regulars"], sends=40, rng_seed=4)

    both = api.get(f"/reports/stats/email_campaigns/{sent},{other}").json()

    assert [r["campaign_id"] for r in both["results"]] == [sent, other]
    assert both["results"][0]["stats"]["em_sends"] == 1200
    assert MS_STAMP.match(both["results"][0]["last_refresh_time"])
    assert both["errors"] == []
    many = ",".join([sent] * 150)
    assert api.get(f"/reports/stats/email_campaigns/{many}").status_code == 200
    assert api.get(f"/reports/stats/email_campaigns/{many},{other}").status_code == 400
    bad = api.get(f"/reports/stats/email_campaigns/{sent},{uuid.uuid4()},{other}")
    assert bad.status_code == 404
    assert bad.json()[0]["error_key"].startswith("reportingsvc.not_found")
    assert api.get(f"/reports/stats/email_campaigns/{sent},oops").status_code == 404


def test_activity_stats_take_ten_ids_and_report_missing_ones_in_errors(
    emulator: ConstantContactEmulator, api: Api, sent: str
) -> None:
    activity = emulator.campaign_activity_id(sent)
    missing = str(uuid.uuid4())

    body = api.get(f"/reports/stats/email_campaign_activities/{activity},{missing}").json()

    assert [r["campaign_activity_id"] for r in body["results"]] == [activity]
    assert body["results"][0]["campaign_id"] == sent
    assert len(body["errors"]) == 1 and missing in body["errors"][0]["error_message"]
    eleven = ",".join([activity] * 11)
    assert api.get(f"/reports/stats/email_campaign_activities/{eleven}").status_code == 400
    malformed = api.get(f"/reports/stats/email_campaign_activities/{activity},nope")
    assert malformed.status_code == 404


def test_summaries_newest_send_first_without_drafts(
    emulator: ConstantContactEmulator, api: Api, sent: str
) -> None:
    newer = emulator.seed_campaign(
        "April newsletter",
        ["Regulars"],
        sends=40,
        sent_at=emulator.campaign_now() - timedelta(days=1),
        rng_seed=4,
    )
    emulator.create_draft_campaign("Spring sale")

    listed = pages(api, "/reports/summary_reports/email_campaign_summaries?limit=1")

    assert [len(p["bulk_email_campaign_summaries"]) for p in listed] == [1, 1]
    summaries = [s for p in listed for s in p["bulk_email_campaign_summaries"]]
    assert [s["campaign_id"] for s in summaries] == [newer, sent]
    counts = summaries[1]["unique_counts"]
    direct = stats(api, sent)
    assert (counts["sends"], counts["opens"], counts["clicks"], counts["not_opened"]) == (
        direct["em_sends"],
        direct["em_opens"],
        direct["em_clicks"],
        direct["em_not_opened"],
    )
    assert counts["opens"] == round(1200 * 0.35)


# -- consent ----------------------------------------------------------------------------------


def test_an_optout_unsubscribes_the_contact_and_a_hard_bounce_does_not(
    emulator: ConstantContactEmulator, api: Api, sent: str
) -> None:
    activity = emulator.campaign_activity_id(sent)
    optouts = rows(api, activity, "optouts")
    bounced = [b for b in rows(api, activity, "bounces") if b["bounce_code"] == "B"]
    assert optouts and bounced

    for row in optouts:
        contact = emulator.get_contact(row["email_address"])
        assert contact is not None
        assert contact["email_address"]["permission_to_send"] == "unsubscribed"
        assert contact["email_address"]["opt_out_source"] == "Contact"
        assert row["email_address"] not in emulator.contacts_on_list("Regulars")
    for row in bounced:
        contact = emulator.get_contact(row["email_address"])
        assert contact is not None
        assert contact["email_address"]["permission_to_send"] == "implicit"


def test_sends_none_sends_to_the_subscribed_members_of_the_lists(
    emulator: ConstantContactEmulator, api: Api
) -> None:
    for i in range(6):
        emulator.seed_contact(f"m{i}@example.com", list_names=["Members"])
    emulator.seed_contact("left@example.com", permission="unsubscribed", list_names=["Members"])
    emulator.seed_contact("other@example.com", list_names=["Other"])

    campaign = emulator.seed_campaign("Members news", ["Members"], open_rate=0.5, click_rate=0.0)

    sent_to = {
        r["email_address"] for r in rows(api, emulator.campaign_activity_id(campaign), "sends")
    }
    assert sent_to == {f"m{i}@example.com" for i in range(6)}


# -- the campaign clock -----------------------------------------------------------------------


def test_advancing_the_clock_adds_rows_only_to_campaigns_of_the_last_72_hours(
    emulator: ConstantContactEmulator, api: Api, sent: str
) -> None:
    recent = emulator.seed_campaign(
        "Weekend sale",
        ["Regulars"],
        sends=2000,
        sent_at=emulator.campaign_now() - timedelta(hours=6),
        rng_seed=9,
    )
    old_before, recent_before = stats(api, sent), stats(api, recent)
    newest = rows(api, emulator.campaign_activity_id(recent), "opens", 1)[0]["created_time"]

    added = emulator.advance_campaign_clock(12)

    assert added > 0
    assert stats(api, sent) == old_before  # sent 3 days ago: its activity is over
    recent_after = stats(api, recent)
    assert recent_after["em_opens"] > recent_before["em_opens"]
    assert recent_after["em_sends"] == recent_before["em_sends"]
    fresh = rows(api, emulator.campaign_activity_id(recent), "opens", 1)[0]["created_time"]
    assert fresh > newest
    emulator.advance_campaign_clock(60)  # 78 hours after the send
    assert emulator.advance_campaign_clock(24) == 0


def test_the_admin_route_advances_the_clock(emulator: ConstantContactEmulator, api: Api) -> None:
    emulator.seed_campaign(
        "Weekend sale", ["R"], sends=3000, sent_at=emulator.campaign_now() - timedelta(hours=2)
    )
    before = emulator.campaign_now()

    response = api.session.post(
        emulator.base_url + "/_sandbox/campaigns/advance", json={"hours": 5}, timeout=10
    )

    assert response.status_code == 200
    assert response.json()["new_rows"] > 0
    assert emulator.campaign_now() - before >= timedelta(hours=5)
    bad = api.session.post(emulator.base_url + "/_sandbox/campaigns/advance", json={}, timeout=10)
    assert bad.status_code == 400


def test_the_campaign_clock_survives_a_restart(
    emulator: ConstantContactEmulator, state_path: Any, clock: FakeClock
) -> None:
    emulator.advance_campaign_clock(30)
    emulator.stop()

    again = ConstantContactEmulator(state_path, clock=clock, enforce_limits=False)
    try:
        assert again.campaign_now() == clock() + timedelta(hours=30)
    finally:
        again.stop()


def test_added_activity_is_the_newest_of_its_reports(
    emulator: ConstantContactEmulator, api: Api, sent: str
) -> None:
    activity = emulator.campaign_activity_id(sent)
    opens_before, clicks_before = rows(api, activity, "opens"), rows(api, activity, "clicks")

    added = emulator.add_campaign_activity(sent, 0.01)

    opens, clicks = rows(api, activity, "opens"), rows(api, activity, "clicks")
    new_opens, new_clicks = len(opens) - len(opens_before), len(clicks) - len(clicks_before)
    assert added == new_opens + new_clicks == 12  # 1 % of 1,200 sends
    assert new_clicks == round(12 * 0.08 / (0.35 + 0.08))  # split as the campaign's rates
    assert opens[new_opens:] == opens_before and clicks[new_clicks:] == clicks_before
    assert min(o["created_time"] for o in opens[:new_opens]) > opens_before[0]["created_time"]


# -- the contact activity report --------------------------------------------------------------


def test_contact_activity_newest_first_across_campaigns(
    emulator: ConstantContactEmulator, api: Api
) -> None:
    contact_id = emulator.seed_contact("fan@example.com", "Fan", list_names=["Fans"])
    for month, days in (("January", 60), ("February", 30), ("March", 2)):
        emulator.seed_campaign(
            f"{month} newsletter",
            ["Fans"],
            open_rate=1.0,
            click_rate=1.0,
            bounce_rate=0.0,
            sent_at=emulator.campaign_now() - timedelta(days=days),
        )
    path = f"/reports/contact_reports/{contact_id}/activity_details"

    listed = pages(api, f"{path}?tracking_activities_list=em_sends,em_opens&limit=2")
    items = [i for p in listed for i in p["tracking_activities"]]

    assert len(items) >= 6
    assert [i["created_time"] for i in items] == sorted(
        (i["created_time"] for i in items), reverse=True
    )
    assert items[-1]["campaign_activity_name"] == "January newsletter"
    assert {i["tracking_activity_type"] for i in items} == {"em_sends", "em_opens"}
    clicks = api.get(
        f"{path}?tracking_activity_type=em_clicks&include_campaign_activity_names=false"
    )
    assert clicks.status_code == 200
    assert clicks.json()["tracking_activities"] and all(
        "campaign_activity_name" not in i for i in clicks.json()["tracking_activities"]
    )
    assert api.get(path).status_code == 400  # one of the two parameters is required
    both = f"{path}?tracking_activities_list=em_sends&tracking_activity_type=em_opens"
    assert api.get(both).status_code == 400
    assert api.get(f"{path}?tracking_activities_list=em_sends&limit=101").status_code == 400


# -- the daily quota ------------------------------------------------------------------------


def test_report_requests_count_against_the_daily_quota(
    state_path: Any, clock: FakeClock, session: Any
) -> None:
    with ConstantContactEmulator(
        state_path, clock=clock, rate_per_second=1000, daily_quota=3
    ) as emu:
        api = Api(emu, session)
        campaign = emu.seed_campaign("Newsletter", ["R"], sends=20)
        activity = emu.campaign_activity_id(campaign)
        paths = [
            "/emails",
            f"/reports/stats/email_campaigns/{campaign}",
            f"/reports/email_reports/{activity}/tracking/opens",
        ]
        assert [api.get(p).status_code for p in paths] == [200, 200, 200]

        over = api.get(f"/reports/email_reports/{activity}/tracking/sends")

        assert over.status_code == 429
        assert over.json() == {"error_key": "quota_exceeded", "error_message": "Limit Exceeded"}
        assert api.get("/reports/summary_reports/email_campaign_summaries").status_code == 429


# -- the sandbox's sample campaigns ---------------------------------------------------------


def test_a_newcomers_sandbox_has_sample_campaigns_one_still_gathering_activity(
    emulator: ConstantContactEmulator, api: Api
) -> None:
    for contact in EXISTING:
        emulator.seed_contact(**contact)

    ids = seed_sample_campaigns(emulator)

    assert seed_sample_campaigns(emulator) == []  # once only
    listed = api.get("/emails").json()["campaigns"]
    assert 3 <= len(listed) <= 5
    assert [c["current_status"] for c in listed].count("Draft") == 1
    assert any(c["name"].endswith("newsletter") for c in listed)
    summaries = api.get("/reports/summary_reports/email_campaign_summaries").json()
    newest = summaries["bulk_email_campaign_summaries"][0]
    sent = datetime.fromisoformat(newest["last_sent_date"].replace("Z", "+00:00"))
    assert emulator.campaign_now() - sent < timedelta(hours=72)
    older = {
        s["campaign_id"]: s["unique_counts"] for s in summaries["bulk_email_campaign_summaries"][1:]
    }
    assert emulator.advance_campaign_clock(24) > 0
    after = api.get("/reports/summary_reports/email_campaign_summaries").json()
    counts = {s["campaign_id"]: s["unique_counts"] for s in after["bulk_email_campaign_summaries"]}
    assert counts[newest["campaign_id"]]["opens"] > newest["unique_counts"]["opens"]
    assert {k: counts[k] for k in older} == older
    assert set(ids) == {c["campaign_id"] for c in listed}
    # The account's known people took part and are still subscribed; the account has no list,
    # so a newcomer's first profile is still offered a new "Newsletter".
    grace = emulator.get_contact("grace.hopper@example.com")
    assert grace is not None and grace["email_address"]["permission_to_send"] == "explicit"
    assert api.get("/contact_lists").json()["lists"] == []
    activity = emulator.campaign_activity_id(newest["campaign_id"])
    sent_to = {r["email_address"] for r in rows(api, activity, "sends")}
    assert "grace.hopper@example.com" in sent_to and "alan.turing@example.com" not in sent_to


def test_clearing_campaigns_leaves_an_account_without_any(
    emulator: ConstantContactEmulator, api: Api, sent: str
) -> None:
    emulator.create_draft_campaign("Spring sale")

    emulator.clear_campaigns()

    assert api.get("/emails").json() == {"campaigns": []}
    assert api.get(f"/reports/stats/email_campaigns/{sent}").status_code == 404
    assert emulator.seed_campaign("Spring sale", ["Regulars"], sends=5)  # the name is free again
