"""The WellnessLiving emulator's clients: the All Clients report, member list, profiles,
users and the email subscription."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime

from app.sandbox.wellnessliving import BUSINESS_KEY, WellnessLivingEmulator
from app.sandbox.wellnessliving.samples import SAMPLE_CLIENTS
from tests.sandbox.fake_clock import FakeClock
from tests.sandbox.wellnessliving.wl_support import RawWl

REPORT = "Wl/Report/Data.json"
MEMBERS = "Wl/Login/Member/LoginMemberListAll.json"
PROFILE = "Wl/Profile/Edit/Edit.json"
SUBSCRIBE = "Wl/Business/User/Subscribe/Subscribe.json"
LOGIN = "Wl/Login/Login.json"


def page(caller: RawWl, n: int) -> dict:
    return caller.json("GET", REPORT, {"id_report": 33, "k_business": BUSINESS_KEY, "i_page": n})


def test_the_all_clients_report_lists_the_sample_clients_with_totals_by_type(
    wl: WellnessLivingEmulator, staff: RawWl
) -> None:
    answer = page(staff, 0)
    rows = answer["a_data"]["a_row"]
    assert answer["a_data"]["is_more"] is False
    assert len(rows) == len(SAMPLE_CLIENTS) == 40
    zoe = next(r for r in rows if r["a_data_api"]["s_firstname"] == "Zoë")
    assert zoe["a_data_api"]["s_lastname"] == "Ångström"
    assert zoe["a_data_api"]["s_mail"] == "zoe.angstrom@example.com"
    assert len(zoe["a_data_api"]["a_member_group"]) == 2
    assert isinstance(zoe["uid"], int)  # keys may come as numbers
    assert zoe["dt_since_local"]["dt_date"] == "2023-01-15 15:00:00"
    # Rows come in name order, as the report shows them.
    names = [
        (r["a_data_api"]["s_lastname"].lower(), r["a_data_api"]["s_firstname"].lower())
        for r in rows
    ]
    assert names == sorted(names)
    totals = {t["s_title"]: t for t in answer["a_total"].values()}
    expected = Counter(c.client_type for c in SAMPLE_CLIENTS)
    assert {k: int(v["s_value"]) for k, v in totals.items()} == expected
    assert totals["Prospect"]["is_prospect"] is True


def test_the_report_pages_by_256_rows(wl: WellnessLivingEmulator, staff: RawWl) -> None:
    for i in range(300):
        wl.add_client(BUSINESS_KEY, f"Extra{i:03d}", "Zulu", f"extra{i}@example.com")
    first, second = page(staff, 0), page(staff, 1)
    assert (len(first["a_data"]["a_row"]), first["a_data"]["is_more"]) == (256, True)
    assert (len(second["a_data"]["a_row"]), second["a_data"]["is_more"]) == (84, False)
    uids = {r["uid"] for r in first["a_data"]["a_row"]} | {
        r["uid"] for r in second["a_data"]["a_row"]
    }
    assert len(uids) == 340
    assert page(staff, 2)["a_data"] == {"is_more": False, "a_row": []}


def test_a_business_without_clients_has_empty_totals_as_php_sends_them(
    wl: WellnessLivingEmulator, staff: RawWl
) -> None:
    for uid in wl.client_uids(BUSINESS_KEY):
        wl.update_client(uid, active=False)
    answer = page(staff, 0)
    assert answer["a_total"] == []
    assert answer["a_data"]["a_row"] == []


def test_other_reports(staff: RawWl) -> None:
    assert (
        staff.json("GET", REPORT, {"id_report": 22, "k_business": BUSINESS_KEY})["status"]
        == "field-invalid"
    )
    assert (
        staff.json("GET", REPORT, {"id_report": 77, "k_business": BUSINESS_KEY})["status"]
        == "report-nx"
    )


def test_member_list_pages_after_the_last_uid(wl: WellnessLivingEmulator, staff: RawWl) -> None:
    seen: list[str] = []
    last = ""
    while True:
        answer = staff.json(
            "GET", MEMBERS, {"k_business": BUSINESS_KEY, "i_page_size": 15, "uid_last": last}
        )
        seen += answer["a_uid"]
        if len(answer["a_uid"]) < 15:
            break
        last = answer["a_uid"][-1]
    assert seen == wl.client_uids(BUSINESS_KEY)
    default = staff.json(
        "GET", MEMBERS, {"k_business": BUSINESS_KEY, "i_page_size": "", "uid_last": ""}
    )
    assert len(default["a_uid"]) == 40  # fewer than the default 150
    wl.update_client(seen[0], active=False)
    again = staff.json(
        "GET", MEMBERS, {"k_business": BUSINESS_KEY, "i_page_size": 100, "uid_last": ""}
    )
    assert seen[0] not in again["a_uid"]


def test_subscription_reads_null_until_set_and_put_takes_query_values(
    wl: WellnessLivingEmulator, staff: RawWl, clock: FakeClock
) -> None:
    uids = wl.client_uids(BUSINESS_KEY)
    never = next(u for u in uids if wl.client(u)["subscribed"] is None)
    subscribed = next(u for u in uids if wl.client(u)["subscribed"] is True)
    get = {"k_business": BUSINESS_KEY}
    assert staff.json("GET", SUBSCRIBE, {**get, "uid": never})["is_subscribe"] is None
    assert staff.json("GET", SUBSCRIBE, {**get, "uid": subscribed})["is_subscribe"] is True
    clock.advance(days=1)
    answer = staff.json("PUT", SUBSCRIBE, {**get, "uid": subscribed, "is_subscribe": ""})
    assert answer == {"status": "ok", "s_version": answer["s_version"]}
    after = wl.client(subscribed)
    assert after["subscribed"] is False
    assert after["changed"] == datetime(2025, 3, 15, 12, 0, tzinfo=UTC)
    assert after["is_subscribe_sms"] is None  # left alone
    staff.json("PUT", SUBSCRIBE, {**get, "uid": subscribed, "is_subscribe": "1"})
    assert wl.client(subscribed)["subscribed"] is True
    staff.json("PUT", SUBSCRIBE, {**get, "uid": subscribed, "is_subscribe_sms": "0"})
    assert wl.client(subscribed)["subscribed"] is True
    bad = staff.json("PUT", SUBSCRIBE, {**get, "uid": subscribed, "is_subscribe": "maybe"})
    assert bad["status"] == "field-invalid"
    assert staff.json("GET", SUBSCRIBE, {**get, "uid": "123"})["status"] == "uid-nx"


def test_profile_edit_gives_keyed_fields_and_takes_changes(
    wl: WellnessLivingEmulator, staff: RawWl
) -> None:
    uid = next(u for u in wl.client_uids(BUSINESS_KEY) if wl.client(u)["first"] == "François")
    params = {"k_business": BUSINESS_KEY, "uid": uid, "is_staff": "1"}
    structure = staff.json("GET", PROFILE, params)["a_structure"]
    by_general = {f["id_field_general"]: f for f in structure.values()}
    assert by_general[2]["x_value"] == "François"
    assert by_general[9]["x_value"]["s_city"] == "Montréal"
    assert by_general[14]["x_value"] == wl.client(uid)["k_login_type"]
    assert all(key == field["k_field"] for key, field in structure.items())
    address = by_general[9]["k_field"]
    changed = staff.json(
        "PUT",
        PROFILE,
        params,
        form={
            f"a_change[{address}][s_city]": "Trois-Rivières",
            f"a_change[{by_general[1]['k_field']}]": "Lévesque-Roy",
        },
    )
    assert changed["status"] == "ok"
    assert (wl.client(uid)["city"], wl.client(uid)["last"]) == ("Trois-Rivières", "Lévesque-Roy")
    wrong = staff.json("PUT", PROFILE, params, form={"a_change[9999]": "x"})
    assert wrong["status"] == "field-invalid"


def test_profile_edit_post_adds_a_client_as_a_prospect(
    wl: WellnessLivingEmulator, staff: RawWl
) -> None:
    params = {
        "k_business": BUSINESS_KEY,
        "uid": "",
        "is_staff": "1",
        "is_short": "",
        "text_business_uid_key": "",
        "uid_existed": "",
        "uid_relative_key": "",
    }
    answer = staff.json(
        "POST",
        PROFILE,
        params,
        form={
            "a_new[2101]": "Noor",
            "a_new[2103]": "noor@example.com",
            "a_new[2109][s_city]": "Eugene",
        },
    )
    client = wl.client(answer["uid"])
    assert (client["first"], client["email"], client["city"], client["client_type"]) == (
        "Noor",
        "noor@example.com",
        "Eugene",
        "Prospect",
    )
    assert client["subscribed"] is None
    assert (
        staff.json("POST", PROFILE, params, form={"a_new[2103]": "x@example.com"})["status"]
        == "field-invalid"
    )


def test_login_get_and_post(wl: WellnessLivingEmulator, staff: RawWl) -> None:
    uids = wl.client_uids(BUSINESS_KEY)[:2]
    one = staff.json(
        "GET",
        LOGIN,
        {"k_business": BUSINESS_KEY, "uid": uids[0], "i_photo_height": 50, "i_photo_width": 50},
    )
    assert one["text_mail_client"] == wl.client(uids[0])["email"]
    assert (
        one["text_name_full_client"]
        == f"{wl.client(uids[0])['first']} {wl.client(uids[0])['last']}"
    )
    many = staff.json(
        "POST",
        LOGIN,
        {"k_business": BUSINESS_KEY, "i_photo_height": 50, "i_photo_width": 50},
        form={"text_uid": json.dumps(uids)},
    )
    assert [i["s_first_name"] for i in many["a_login"]] == [wl.client(u)["first"] for u in uids]
    assert many["a_login"][0]["s_last_name"] == wl.client(uids[0])["last"][:1]
    bad = staff.json("POST", LOGIN, {"k_business": BUSINESS_KEY}, form={"text_uid": "not json"})
    assert bad["status"] == "field-invalid"


def test_changes_made_in_the_emulator_show_in_the_api(
    wl: WellnessLivingEmulator, staff: RawWl
) -> None:
    uid = wl.add_client(
        BUSINESS_KEY,
        "Ana",
        "Ávila",
        "ana@example.com",
        city="Bend",
        client_type="Member",
        groups=["Evening"],
        subscribed=True,
    )
    row = next(r for r in page(staff, 0)["a_data"]["a_row"] if str(r["uid"]) == uid)
    assert len(row["a_data_api"]["a_member_group"]) == 1
    assert wl.client(uid)["groups"] == ["Evening"]
    wl.update_client(uid, city="Salem", groups=[], client_type="Drop-in")
    wl.set_subscribed(uid, False)
    row = next(r for r in page(staff, 0)["a_data"]["a_row"] if str(r["uid"]) == uid)
    assert row["a_data_api"]["a_member_group"] == []
    assert (
        staff.json("GET", SUBSCRIBE, {"k_business": BUSINESS_KEY, "uid": uid})["is_subscribe"]
        is False
    )
    assert wl.client(uid)["client_type"] == "Drop-in"
