"""Signing in to the Neon CRM emulator: Basic auth, the two hosts, NEON-API-VERSION, and the
headers every live answer carries."""

from __future__ import annotations

import requests

from app.sandbox.neoncrm import (
    API_KEY,
    ORG_ID,
    ORG_NAME,
    TRIAL_API_KEY,
    TRIAL_ORG_ID,
    NeonCrmEmulator,
    sample_connection,
)
from tests.sandbox.neoncrm.neon_support import RawNeon, codes


def test_the_org_and_its_api_user_are_who_a_connection_shows(raw: RawNeon) -> None:
    profile = raw.get("/properties/organizationProfile")
    assert profile.status_code == 200
    assert profile.json() == {
        "name": ORG_NAME,
        "orgId": ORG_ID,
        "appUrl": "https://maplestreet.app.neoncrm.com",
    }
    user = raw.get("/properties/currentSystemUser").json()
    assert (user["firstName"], user["lastName"]) == ("Dana", "Whitfield")


def test_a_wrong_key_or_org_is_refused_with_neons_codes(neon: NeonCrmEmulator) -> None:
    wrong_key = RawNeon(neon, ORG_ID, "not-the-key").get("/properties/organizationProfile")
    assert wrong_key.status_code == 401
    assert codes(wrong_key) == ["13"]
    wrong_org = RawNeon(neon, "nosuchorg", API_KEY).get("/properties/organizationProfile")
    assert (wrong_org.status_code, codes(wrong_org)) == (401, ["14"])
    no_key = RawNeon(neon, ORG_ID, "").get("/accounts/1001")
    assert (no_key.status_code, codes(no_key)) == (401, ["10"])
    anonymous = requests.get(neon.api_url + "/accounts/1001", timeout=10)
    assert (anonymous.status_code, codes(anonymous)) == (401, ["12"])


def test_a_revoked_key_stops_working(neon: NeonCrmEmulator, raw: RawNeon) -> None:
    assert raw.get("/properties/organizationProfile").status_code == 200
    neon.revoke_api_key(ORG_ID, API_KEY)
    assert raw.get("/properties/organizationProfile").status_code == 401


def test_each_org_answers_only_on_its_own_host(neon: NeonCrmEmulator) -> None:
    trial = RawNeon(neon, TRIAL_ORG_ID, TRIAL_API_KEY, trial=True)
    assert trial.get("/properties/organizationProfile").json()["orgId"] == TRIAL_ORG_ID
    assert (
        len(
            trial.search_rows(
                [{"field": "Account Type", "operator": "EQUAL", "value": "Individual"}],
                ["Account ID"],
            )
        )
        == 3
    )
    on_production = RawNeon(neon, TRIAL_ORG_ID, TRIAL_API_KEY)
    assert on_production.get("/properties/organizationProfile").status_code == 401
    production_on_trial = RawNeon(neon, ORG_ID, API_KEY, trial=True)
    assert production_on_trial.get("/properties/organizationProfile").status_code == 401
    assert sample_connection("trial")["org_id"] == TRIAL_ORG_ID


def test_no_version_header_means_the_latest(neon: NeonCrmEmulator) -> None:
    caller = RawNeon(neon, ORG_ID, API_KEY, version=None)
    answer = caller.get("/customFields", params={"category": "Account"})
    assert answer.status_code == 200
    assert "displayName" in answer.json()[0]  # the 2.11 shape
    assert "Path=/neonapiv2_11" in answer.headers["Set-Cookie"]


def test_an_unknown_or_retired_version_gets_a_400(neon: NeonCrmEmulator) -> None:
    answer = RawNeon(neon, ORG_ID, API_KEY, version="3.0").get("/accounts/1001")
    assert answer.status_code == 400
    assert "version" in answer.json()[0]["message"].lower()
    neon.settings.versions = tuple(f"2.{n}" for n in range(5, 12))
    assert RawNeon(neon, ORG_ID, API_KEY, version="2.1").get("/accounts/1001").status_code == 400
    assert RawNeon(neon, ORG_ID, API_KEY, version="2.8").get("/accounts/1001").status_code == 200


def test_answers_carry_the_live_headers_and_no_rate_headers(raw: RawNeon) -> None:
    answer = raw.get("/accounts/1001")
    headers = answer.headers
    assert headers["Cache-Control"] == "no-cache, no-store, max-age=0, must-revalidate"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Set-Cookie"].startswith("JSESSIONID=")
    assert "Path=/neonapiv2_11; Secure; HttpOnly" in headers["Set-Cookie"]
    assert not any("rate" in h.lower() or h.lower() == "retry-after" for h in headers)
    other = raw.get("/accounts/1001").headers["Set-Cookie"]
    assert other != headers["Set-Cookie"]  # a fresh session each time; none is needed
