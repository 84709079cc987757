"""The WellnessLiving emulator's signing, staff sign-in, sessions, regions and error envelope."""

from __future__ import annotations

import pytest

from app.sandbox.wellnessliving import (
    APPLICATION_ID,
    APPLICATION_SECRET,
    BUSINESS_KEY,
    STAFF_LOGIN,
    STAFF_PASSWORD,
    WellnessLivingEmulator,
)
from app.sandbox.wellnessliving.samples import (
    AU_BUSINESS_KEY,
    AU_STAFF_LOGIN,
    AU_STAFF_PASSWORD,
    STAGING_APPLICATION_ID,
    STAGING_APPLICATION_SECRET,
    STAGING_BUSINESS_KEY,
    STAGING_STAFF_LOGIN,
    STAGING_STAFF_PASSWORD,
)
from tests.sandbox.fake_clock import FakeClock
from tests.sandbox.wellnessliving.wl_support import RawWl, hashed_password

NOTEPAD = "Core/Passport/Login/Enter/Notepad.json"
ENTER = "Core/Passport/Login/Enter/Enter.json"
REPORT = "Wl/Report/Data.json"
SUBSCRIBE = "Wl/Business/User/Subscribe/Subscribe.json"


def report(caller: RawWl, business: str = BUSINESS_KEY, **headers: str) -> dict:
    params = {"id_report": 33, "k_business": business, "i_page": 0}
    return caller.json("GET", REPORT, params, headers=headers or None)


def test_an_unsigned_or_badly_signed_request_is_refused_with_http_200(raw: RawWl) -> None:
    unsigned = raw.call("GET", NOTEPAD, {"s_type": ""}, signed=False)
    assert unsigned.status_code == 200
    assert unsigned.json()["status"] == "access-signature"
    forged = raw.call("GET", NOTEPAD, {"s_type": ""}, secret="not-the-secret")
    body = forged.json()
    assert forged.status_code == 200
    assert body["status"] == "access-signature"
    assert body["a_error"][0]["sid"] == "access-signature"
    assert "signature" in body["message"]
    assert body["s_version"]


def test_a_signature_covers_the_variables(raw: RawWl) -> None:
    """Changing a variable after signing breaks the signature (names are signed lower-cased)."""
    good = raw.json("GET", NOTEPAD, {"s_type": "", "S_Login": STAFF_LOGIN})
    assert good["status"] == "ok"
    when = "Mon, 14 Mar 2025 12:00:00 GMT"
    from datetime import datetime

    moment = datetime.strptime(when, "%a, %d %b %Y %H:%M:%S GMT")
    signature = raw.sign("GET", NOTEPAD, {"s_type": "", "s_login": "a@b.example"}, moment)
    tampered = raw.session.get(
        f"{raw.emulator.base_url}/{NOTEPAD}",
        params={"s_type": "", "s_login": "someone.else@b.example"},
        headers={
            "Host": raw.host,
            "Date": when,
            "Authorization": f"20150518,{APPLICATION_ID},,{signature}",
        },
        timeout=10,
    )
    assert tampered.json()["status"] == "access-signature"


def test_unknown_application_and_wrong_environment_are_refused(wl: WellnessLivingEmulator) -> None:
    stranger = RawWl(wl, "someone-else", "secret")
    staging_on_production = RawWl(wl, STAGING_APPLICATION_ID, STAGING_APPLICATION_SECRET)
    try:
        assert stranger.json("GET", NOTEPAD, {"s_type": ""})["status"] == "access-application"
        answer = staging_on_production.json("GET", NOTEPAD, {"s_type": ""})
        assert answer["status"] == "access-application"
        assert "staging" in answer["message"]
    finally:
        stranger.close()
        staging_on_production.close()


@pytest.mark.parametrize(
    ("host", "cookies"),
    [
        ("us.wellnessliving.com", {"p", "t"}),
        ("au.wellnessliving.com", {"ap", "at"}),
    ],
)
def test_the_notepad_starts_a_session_in_the_hosts_own_cookies(
    wl: WellnessLivingEmulator, host: str, cookies: set[str]
) -> None:
    caller = RawWl(wl, APPLICATION_ID, APPLICATION_SECRET, host)
    try:
        pad = caller.json("GET", NOTEPAD, {"s_type": ""})
        assert pad["s_hash"] == "sha3"
        assert len(pad["s_notepad"]) >= 8
        names = {c.name for c in caller.session.cookies}
        assert names == cookies
        assert all(c.value.isalnum() for c in caller.session.cookies)
    finally:
        caller.close()


def test_staff_sign_in_then_calls_carry_the_session(raw: RawWl) -> None:
    assert report(raw)["status"] == "user-out"  # not signed in yet
    assert raw.sign_in(STAFF_LOGIN, STAFF_PASSWORD) == {
        "url_redirect": "",
        "status": "ok",
        "s_version": raw.json("GET", NOTEPAD, {"s_type": ""})["s_version"],
    }
    assert report(raw)["status"] == "ok"


def test_a_wrong_password_is_refused_and_five_in_a_row_need_a_captcha(raw: RawWl) -> None:
    for _ in range(5):
        answer = raw.sign_in(STAFF_LOGIN, "wrong")
        assert answer["status"] == "login-password"
        assert answer["message"] == "Incorrect email or password."
    assert raw.sign_in(STAFF_LOGIN, STAFF_PASSWORD)["status"] == "login-captcha"


def test_enter_needs_the_notepad_it_was_given(raw: RawWl) -> None:
    pad = raw.json("GET", NOTEPAD, {"s_type": ""})
    form = {
        "s_login": STAFF_LOGIN,
        "s_notepad": "made-up",
        "s_password": hashed_password(STAFF_PASSWORD, "made-up"),
    }
    assert raw.json("POST", ENTER, form=form)["status"] == "notepad-create"
    # A notepad is single-use: the real one, once tried and refused, is gone too.
    form = {**form, "s_notepad": pad["s_notepad"]}
    form["s_password"] = hashed_password(STAFF_PASSWORD, pad["s_notepad"])
    assert raw.json("POST", ENTER, form=form)["status"] == "notepad-create"


def test_a_session_ends_after_30_days_without_use(staff: RawWl, clock: FakeClock) -> None:
    clock.advance(days=29)
    assert report(staff)["status"] == "ok"
    clock.advance(days=30, seconds=1)
    assert report(staff)["status"] == "user-out"


def test_expire_sessions_signs_everyone_out(wl: WellnessLivingEmulator, staff: RawWl) -> None:
    wl.expire_sessions()
    assert report(staff)["status"] == "user-out"


def test_the_notepad_says_which_data_centre_holds_a_login(raw: RawWl) -> None:
    assert raw.json("GET", NOTEPAD, {"s_type": "", "s_login": AU_STAFF_LOGIN})["id_region"] == 2
    assert raw.json("GET", NOTEPAD, {"s_type": "", "s_login": STAFF_LOGIN})["id_region"] == 1
    assert "id_region" not in raw.json("GET", NOTEPAD, {"s_type": "", "s_login": "x@y.example"})


def test_an_australian_login_signs_in_on_the_australian_host_only(
    wl: WellnessLivingEmulator, raw: RawWl
) -> None:
    assert raw.sign_in(AU_STAFF_LOGIN, AU_STAFF_PASSWORD)["status"] == "region-other"
    sydney = RawWl(wl, APPLICATION_ID, APPLICATION_SECRET, "au.wellnessliving.com")
    try:
        assert sydney.sign_in(AU_STAFF_LOGIN, AU_STAFF_PASSWORD)["status"] == "ok"
        assert report(sydney, AU_BUSINESS_KEY)["status"] == "ok"
    finally:
        sydney.close()


def test_staging_has_its_own_application_and_logins(wl: WellnessLivingEmulator) -> None:
    staging = RawWl(
        wl, STAGING_APPLICATION_ID, STAGING_APPLICATION_SECRET, "staging.wellnessliving.com"
    )
    try:
        assert staging.sign_in(STAFF_LOGIN, STAFF_PASSWORD)["status"] == "login-password"
        assert staging.sign_in(STAGING_STAFF_LOGIN, STAGING_STAFF_PASSWORD)["status"] == "ok"
        assert {c.name for c in staging.session.cookies} == {"sp", "st"}
        assert (
            report(staging, STAGING_BUSINESS_KEY)["a_data"]["a_row"][0]["a_data_api"]["s_firstname"]
            == "Test"
        )
    finally:
        staging.close()


def test_staff_reach_only_their_own_business(staff: RawWl) -> None:
    assert report(staff, AU_BUSINESS_KEY)["status"] == "access-business"
    assert report(staff, "404404")["status"] == "business-nx"


@pytest.mark.parametrize(
    ("rules", "code"),
    [("default", 403), ("401 access-,default", 401), ("404 -", 404), ("", 200), ("400 -nx", 200)],
)
def test_x_error_rules_map_statuses_to_http_codes(raw: RawWl, rules: str, code: int) -> None:
    response = raw.call(
        "GET", NOTEPAD, {"s_type": ""}, secret="wrong", headers={"X-Error-Rules": rules}
    )
    assert response.status_code == code
    assert response.json()["status"] == "access-signature"


def test_default_rules_give_404_for_a_missing_client_and_400_for_the_rest(staff: RawWl) -> None:
    rules = {"X-Error-Rules": "default"}
    missing = staff.call("GET", SUBSCRIBE, {"k_business": BUSINESS_KEY, "uid": "1"}, headers=rules)
    assert (missing.status_code, missing.json()["status"]) == (404, "uid-nx")
    invalid = staff.call(
        "PUT",
        SUBSCRIBE,
        {"k_business": BUSINESS_KEY, "uid": "1", "is_subscribe": "maybe"},
        headers=rules,
    )
    assert (invalid.status_code, invalid.json()["status"]) == (400, "field-invalid")


def test_a_jwt_from_a_signed_in_session_works_as_a_bearer_token(
    wl: WellnessLivingEmulator, staff: RawWl, clock: FakeClock
) -> None:
    token = staff.json("GET", "Core/Passport/Enter/Jwt/JwtToken.json")["s_token"]
    bearer = RawWl(wl, APPLICATION_ID, APPLICATION_SECRET)
    try:
        answer = bearer.json(
            "GET",
            REPORT,
            {"id_report": 33, "k_business": BUSINESS_KEY, "i_page": 0},
            signed=False,
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer["status"] == "ok"
        clock.advance(hours=1, seconds=1)
        answer = bearer.json(
            "GET",
            REPORT,
            {"id_report": 33, "k_business": BUSINESS_KEY, "i_page": 0},
            signed=False,
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer["status"] == "user-out"
    finally:
        bearer.close()


def test_the_hourly_limit_answers_request_limit(tmp_path, clock: FakeClock) -> None:
    emu = WellnessLivingEmulator(tmp_path / "limited.sqlite3", clock=clock, per_hour=3)
    from app.sandbox.wellnessliving import seed_samples

    seed_samples(emu)
    emu.start()
    caller = RawWl(emu, APPLICATION_ID, APPLICATION_SECRET)
    try:
        statuses = [caller.json("GET", NOTEPAD, {"s_type": ""})["status"] for _ in range(4)]
        assert statuses == ["ok", "ok", "ok", "request-limit"]
        clock.advance(hours=1)
        assert caller.json("GET", NOTEPAD, {"s_type": ""})["status"] == "ok"
    finally:
        caller.close()
        emu.stop()


def test_forced_faults(wl: WellnessLivingEmulator, staff: RawWl) -> None:
    wl.faults.force("GET /Wl/Report/Data.json", "user-out")
    wl.faults.force("GET /Wl/Report/Data.json", "internal")
    wl.faults.force("GET /Wl/Report/Data.json", "429")
    assert report(staff)["status"] == "user-out"
    assert report(staff)["status"] == "internal"
    throttled = staff.call("GET", REPORT, {"id_report": 33, "k_business": BUSINESS_KEY})
    assert throttled.status_code == 429
    assert throttled.headers["Retry-After"] == "1"
    assert report(staff)["status"] == "ok"
    counts = wl.request_counts()
    assert counts["GET /Wl/Report/Data.json"] == 4
