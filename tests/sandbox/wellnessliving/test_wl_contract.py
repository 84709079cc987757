"""Contract tests: the WellnessLiving emulator's answers, and the WellnessLiving client's
requests, against WellnessLiving's own OpenAPI subset (see ``wl_spec`` for its patches).

Error answers come with HTTP 200 and a status in the body, which the spec's 200 schemas do
not describe; they are checked here as the spec does describe them, mapped to 4xx by
``X-Error-Rules``, and shown to be the same body as the 200 answer without the header.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from app.connectors.http import RateLimiter
from app.connectors.wellnessliving import (
    Application,
    StaffLogin,
    WellnessLivingClient,
    WellnessLivingSource,
)
from app.sandbox.wellnessliving import (
    APPLICATION_ID,
    APPLICATION_SECRET,
    BUSINESS_KEY,
    STAFF_LOGIN,
    STAFF_PASSWORD,
    WellnessLivingEmulator,
)
from app.sandbox.wellnessliving.server import ROUTES
from tests.sandbox.spec_validator import Validator
from tests.sandbox.wellnessliving import wl_spec
from tests.sandbox.wellnessliving.wl_support import RawWl, hashed_password

pytestmark = pytest.mark.contract


@pytest.fixture
def signed_spec() -> Any:
    return wl_spec.load()


@pytest.fixture
def bearer_spec() -> Any:
    return wl_spec.load(keep_security=True)


def test_the_emulator_serves_exactly_the_specs_operations(signed_spec: Any) -> None:
    declared = {
        (method.upper(), path.lstrip("/"))
        for path, item in wl_spec.raw_spec()["paths"].items()
        for method in item
    }
    assert set(ROUTES) == declared
    assert len(declared) == 12


def test_emulator_answers_and_raw_requests_match_the_spec(
    wl: WellnessLivingEmulator, raw: RawWl, signed_spec: Any
) -> None:
    validator = Validator(signed_spec)
    raw.session.hooks["response"].append(validator.hook)
    pad = raw.json(
        "GET", "Core/Passport/Login/Enter/Notepad.json", {"s_login": STAFF_LOGIN, "s_type": ""}
    )
    raw.json(
        "POST",
        "Core/Passport/Login/Enter/Enter.json",
        form={
            "json_data": "",
            "s_captcha": "",
            "s_login": STAFF_LOGIN,
            "s_notepad": pad["s_notepad"],
            "s_password": hashed_password(STAFF_PASSWORD, pad["s_notepad"]),
            "s_remember": "",
            "url_return": "",
        },
    )
    business = {"k_business": BUSINESS_KEY}
    uids = wl.client_uids(BUSINESS_KEY)
    report = {
        "id_report": 33,
        "i_page": 0,
        "id_report_group": 1,
        "id_report_view": 1,
        "s_filter": "",
        "s_sort": "",
    }
    raw.json("GET", "Wl/Report/Data.json", {**business, **report})
    raw.json(
        "GET",
        "Wl/Login/Member/LoginMemberListAll.json",
        {**business, "i_page_size": 10, "uid_last": ""},
    )
    photo = {"i_photo_height": 100, "i_photo_width": 100}
    raw.json("GET", "Wl/Login/Login.json", {**business, **photo, "uid": uids[0]})
    raw.json(
        "POST",
        "Wl/Login/Login.json",
        {**business, **photo},
        form={"text_uid": json.dumps(uids[:3])},
    )
    edit = {**business, "is_staff": "true", "uid": uids[1]}
    structure = raw.json("GET", "Wl/Profile/Edit/Edit.json", edit)["a_structure"]
    city = next(k for k, f in structure.items() if f["id_field_general"] == 9)
    raw.json("GET", "Wl/Business/User/Subscribe/Subscribe.json", {**business, "uid": uids[1]})
    raw.json(
        "PUT",
        "Wl/Business/User/Subscribe/Subscribe.json",
        {**business, "uid": uids[1], "is_subscribe": "false"},
    )
    raw.json("GET", "Core/Passport/Enter/Jwt/JwtToken.json")
    # The two form writes: their bodies are PHP arrays (a_change[k]=v), which the spec types
    # as JSON arrays; only their answers are checked.
    raw.session.hooks["response"].clear()
    answers = [
        raw.call(
            "PUT",
            "Wl/Profile/Edit/Edit.json",
            edit,
            form={f"a_change[{city}][s_city]": "Bend", "a_intents": "", "a_phone_inherit": ""},
        ),
        raw.call(
            "POST",
            "Wl/Profile/Edit/Edit.json",
            {
                **business,
                "uid": "",
                "is_staff": "true",
                "is_short": "false",
                "text_business_uid_key": "",
                "uid_existed": "",
                "uid_relative_key": "",
            },
            form={"a_new[2101]": "Noor"},
        ),
    ]
    for answer in answers:
        assert answer.json()["status"] == "ok"
        validator.check(answer, request_valid=None)
    assert validator.problems == []
    assert len(validator.checked) == 12


@pytest.mark.parametrize(
    ("rules", "status", "code"),
    [("default", "uid-nx", 404), ("default", "field-invalid", 400), ("422 -nx", "uid-nx", 422)],
)
def test_error_answers_match_the_specs_error_response(
    staff: RawWl, signed_spec: Any, rules: str, status: str, code: int
) -> None:
    validator = Validator(signed_spec)
    params = {"k_business": BUSINESS_KEY, "uid": "1"}
    if status == "field-invalid":
        params = {"k_business": BUSINESS_KEY, "uid": "1", "is_subscribe": "maybe"}
    method = "PUT" if status == "field-invalid" else "GET"
    mapped = staff.call(
        method,
        "Wl/Business/User/Subscribe/Subscribe.json",
        params,
        headers={"X-Error-Rules": rules},
    )
    assert mapped.status_code == code
    validator.check(mapped, request_valid=status != "field-invalid")
    assert validator.problems == []
    plain = staff.call(method, "Wl/Business/User/Subscribe/Subscribe.json", params)
    assert plain.status_code == 200
    assert {k: v for k, v in plain.json().items() if k != "k_log"} == {
        k: v for k, v in mapped.json().items() if k != "k_log"
    }


def test_a_refused_signature_matches_the_specs_403(raw: RawWl, signed_spec: Any) -> None:
    validator = Validator(signed_spec)
    response = raw.call(
        "GET",
        "Core/Passport/Login/Enter/Notepad.json",
        {"s_type": ""},
        secret="wrong",
        headers={"X-Error-Rules": "default"},
    )
    assert response.status_code == 403
    validator.check(response)
    assert validator.problems == []


def test_bearer_calls_match_the_spec_with_its_security(
    wl: WellnessLivingEmulator, staff: RawWl, bearer_spec: Any
) -> None:
    token = staff.json("GET", "Core/Passport/Enter/Jwt/JwtToken.json")["s_token"]
    validator = Validator(bearer_spec)
    with requests.Session() as session:
        response = session.get(
            f"{wl.base_url}/Wl/Business/User/Subscribe/Subscribe.json",
            params={"k_business": BUSINESS_KEY, "uid": wl.client_uids(BUSINESS_KEY)[0]},
            headers={"Authorization": f"Bearer {token}", "Host": "us.wellnessliving.com"},
            timeout=10,
        )
    assert response.json()["status"] == "ok"
    validator.check(response)
    assert validator.problems == []


def test_the_clients_requests_match_the_spec(wl: WellnessLivingEmulator, signed_spec: Any) -> None:
    validator = Validator(signed_spec)
    with requests.Session() as session:
        session.hooks["response"].append(validator.hook)
        client = WellnessLivingClient(
            Application(APPLICATION_ID, APPLICATION_SECRET),
            StaffLogin(STAFF_LOGIN, STAFF_PASSWORD),
            BUSINESS_KEY,
            connect_to=wl.base_url,
            session=session,
            limiter=RateLimiter(100_000),
        )
        check = client.check_connection()
        assert check.clients == 40
        assert len(list(client.iter_member_uids(page_size=25))) == 40
        source = WellnessLivingSource(client, client_types=["Member"])
        records = list(source.iter_records())
        assert records
        source.set_opted_out([records[0].key], True)
        source.set_opted_out([records[0].key], False)
    assert validator.problems == []
    called = {key.split(" -> ")[0] for key in validator.checked}
    assert {
        "GET /Core/Passport/Login/Enter/Notepad.json",
        "POST /Core/Passport/Login/Enter/Enter.json",
        "GET /Wl/Report/Data.json",
        "GET /Wl/Login/Member/LoginMemberListAll.json",
        "GET /Wl/Profile/Edit/Edit.json",
        "GET /Wl/Business/User/Subscribe/Subscribe.json",
        "PUT /Wl/Business/User/Subscribe/Subscribe.json",
    } == called
