"""The WellnessLiving client against the emulator: sign-in, hosts, sessions, errors, retries."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.connectors.wellnessliving import (
    Environment,
    Region,
    SessionExpired,
    WellnessLivingClient,
    WellnessLivingError,
    WellnessLivingNotFound,
)
from app.core.errors import AuthError, ConfigError, NetworkError, RateLimited
from app.sandbox.wellnessliving import BUSINESS_KEY, WellnessLivingEmulator
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
from tests.connectors.wellnessliving.wl_fakes import Sleeps

MakeClient = Callable[..., WellnessLivingClient]
REPORT = "GET /Wl/Report/Data.json"
NOTEPAD = "GET /Core/Passport/Login/Enter/Notepad.json"


def test_a_connection_check_signs_in_and_finds_the_business(
    wl_client: WellnessLivingClient,
) -> None:
    check = wl_client.check_connection()
    assert check.host == "us.wellnessliving.com"
    assert check.clients == 40
    assert {t.title for t in check.client_types} == {"Member", "Drop-in", "Prospect"}
    assert wl_client.stats.by_endpoint == {
        NOTEPAD: 1,
        "POST /Core/Passport/Login/Enter/Enter.json": 1,
        REPORT: 1,
    }


def test_a_wrong_password_is_refused_in_wellnesslivings_words(make_client: MakeClient) -> None:
    client = make_client(login=("owner@lotuspine.example", "not-it"))
    with pytest.raises(AuthError) as caught:
        client.report_page(0)
    message = caught.value.message
    assert "WellnessLiving did not accept the staff sign-in for owner@lotuspine.example" in message
    assert 'WellnessLiving said: "Incorrect email or password."' in message
    assert "not-it" not in message + caught.value.details


def test_a_wrong_authorization_code_is_refused_as_an_access_problem(
    make_client: MakeClient,
) -> None:
    client = make_client(app=("contactbridge-sandbox", "wrong-code"))
    with pytest.raises(AuthError) as caught:
        client.sign_in()
    assert "WellnessLiving refused access while signing in" in caught.value.message
    assert "authorization code" in caught.value.message
    assert "wrong-code" not in caught.value.message


def test_a_login_from_the_other_data_centre_names_the_region_to_choose(
    make_client: MakeClient,
) -> None:
    client = make_client(login=(AU_STAFF_LOGIN, AU_STAFF_PASSWORD), business=AU_BUSINESS_KEY)
    with pytest.raises(ConfigError) as caught:
        client.sign_in()
    assert "Australia data centre" in caught.value.message
    sydney = make_client(
        login=(AU_STAFF_LOGIN, AU_STAFF_PASSWORD), business=AU_BUSINESS_KEY, region=Region.AUSTRALIA
    )
    assert sydney.host == "au.wellnessliving.com"
    assert sydney.check_connection().clients == 1


def test_a_canadian_business_is_served_from_the_us_host(make_client: MakeClient) -> None:
    client = make_client(region=Region.CANADA)
    assert client.host == "us.wellnessliving.com"
    assert client.check_connection().clients == 40


def test_staging_uses_its_own_host_application_and_login(make_client: MakeClient) -> None:
    staging = make_client(
        app=(STAGING_APPLICATION_ID, STAGING_APPLICATION_SECRET),
        login=(STAGING_STAFF_LOGIN, STAGING_STAFF_PASSWORD),
        business=STAGING_BUSINESS_KEY,
        environment=Environment.STAGING,
    )
    assert staging.host == "staging.wellnessliving.com"
    assert staging.check_connection().clients == 1
    production_app = make_client(
        login=(STAGING_STAFF_LOGIN, STAGING_STAFF_PASSWORD),
        business=STAGING_BUSINESS_KEY,
        environment=Environment.STAGING,
    )
    with pytest.raises(AuthError, match="may only be used on the production servers"):
        production_app.sign_in()


def test_an_ended_session_is_renewed_once_without_the_caller_noticing(
    wl_emulator: WellnessLivingEmulator, wl_client: WellnessLivingClient
) -> None:
    wl_client.report_page(0)
    wl_emulator.expire_sessions()
    assert len(wl_client.report_page(0).rows) == 40
    wl_emulator.faults.force(REPORT, "csrf")
    assert len(wl_client.report_page(0).rows) == 40
    assert wl_client.stats.by_endpoint[NOTEPAD] == 3


def test_a_session_that_ends_again_at_once_is_an_error(
    wl_emulator: WellnessLivingEmulator, wl_client: WellnessLivingClient
) -> None:
    wl_emulator.faults.force(REPORT, "user-out", times=2)
    with pytest.raises(SessionExpired) as caught:
        wl_client.report_page(0)
    assert caught.value.message.startswith(
        "WellnessLiving ended the staff sign-in while reading the All Clients report."
    )
    assert caught.value.answer_status == "user-out"


def test_an_internal_fault_on_a_read_is_retried_then_reported_in_wellnesslivings_words(
    wl_emulator: WellnessLivingEmulator, wl_client: WellnessLivingClient, sleeps: Sleeps
) -> None:
    wl_client.sign_in()
    wl_emulator.faults.force(REPORT, "internal")
    assert len(wl_client.report_page(0).rows) == 40
    assert sleeps.waits == [0.5]
    wl_emulator.faults.force(REPORT, "internal", times=4)
    with pytest.raises(WellnessLivingError) as caught:
        wl_client.report_page(0)
    assert caught.value.message == (
        "WellnessLiving had a problem on its side while reading the All Clients report. "
        'Try again later. WellnessLiving said: "An internal error occurred. Please try again '
        'later."'
    )
    assert caught.value.answer_status == "internal"


def test_throttling_waits_as_asked_then_goes_on(
    wl_emulator: WellnessLivingEmulator, wl_client: WellnessLivingClient, sleeps: Sleeps
) -> None:
    wl_client.sign_in()
    wl_emulator.faults.force(REPORT, "request-limit")
    wl_emulator.faults.force(REPORT, "429")
    wl_emulator.faults.force(REPORT, "503")
    assert len(wl_client.report_page(0).rows) == 40
    assert sleeps.waits == [60.0, 1.0, 2.0]
    wl_emulator.faults.force(REPORT, "request-limit", times=4)
    with pytest.raises(RateLimited) as caught:
        wl_client.report_page(0)
    assert "WellnessLiving is busy" in caught.value.message
    assert (
        'WellnessLiving said: "Too many requests. Please try again later."' in caught.value.message
    )


def test_a_cut_connection_is_retried_for_reads_but_not_for_the_sign_in(
    wl_emulator: WellnessLivingEmulator, wl_client: WellnessLivingClient
) -> None:
    wl_emulator.faults.force("POST /Core/Passport/Login/Enter/Enter.json", "reset")
    with pytest.raises(NetworkError, match="Could not reach WellnessLiving"):
        wl_client.sign_in()
    wl_client.sign_in()
    wl_emulator.faults.force(REPORT, "reset")
    assert len(wl_client.report_page(0).rows) == 40


def test_a_missing_client_or_business_is_not_found(
    make_client: MakeClient, wl_client: WellnessLivingClient
) -> None:
    with pytest.raises(WellnessLivingNotFound) as caught:
        wl_client.get_subscription("1")
    assert caught.value.message == (
        "WellnessLiving could not find it while reading a client's email subscription. "
        'WellnessLiving said: "The user was not found in this business."'
    )
    with pytest.raises(WellnessLivingNotFound):
        make_client(business="404404").report_page(0)
    with pytest.raises(AuthError, match="refused access"):
        make_client(business=AU_BUSINESS_KEY).report_page(0)
    with pytest.raises(ConfigError, match="business key"):
        make_client(business=" ")


def test_profiles_and_subscriptions_read_and_write(
    wl_emulator: WellnessLivingEmulator, wl_client: WellnessLivingClient
) -> None:
    uid = next(
        u
        for u in wl_emulator.client_uids(BUSINESS_KEY)
        if wl_emulator.client(u)["first"] == "Renée"
    )
    profile = wl_client.get_profile(uid)
    assert (profile.first_name, profile.last_name, profile.city) == (
        "Renée",
        "Côté",
        "Trois-Rivières",
    )
    assert profile.email == "renee.cote@example.ca"
    assert profile.client_type == wl_emulator.client(uid)["k_login_type"]
    assert wl_client.get_subscription(uid).email is True
    wl_client.set_email_subscription(uid, False)
    assert wl_emulator.client(uid)["subscribed"] is False
    assert wl_client.get_subscription(uid).email is False
    wl_client.set_email_subscription(uid, True)
    assert wl_emulator.client(uid)["subscribed"] is True


def test_member_uids_page_through_the_active_clients(
    wl_emulator: WellnessLivingEmulator, wl_client: WellnessLivingClient
) -> None:
    assert list(wl_client.iter_member_uids(page_size=8)) == wl_emulator.client_uids(BUSINESS_KEY)
    assert wl_client.stats.by_endpoint["GET /Wl/Login/Member/LoginMemberListAll.json"] == 6
