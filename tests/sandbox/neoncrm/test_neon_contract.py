"""Contract tests: the Neon CRM emulator's answers, and requests a client would send, against
Neon's own OpenAPI spec (see ``neon_spec`` for its loading quirks and narrow patches).

Live behaviour wins over the spec where they differ (a PATCH's body, ``null`` values, the
output fields' integer ids, search rows of strings); those points are patched in
``neon_spec`` and shown here to be what the emulator does.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests

from app.sandbox.kit.request_counts import path_template
from app.sandbox.neoncrm import (
    API_KEY,
    ORG_ID,
    TRIAL_API_KEY,
    TRIAL_ORG_ID,
    NeonCrmEmulator,
    merged_sample_ids,
)
from app.sandbox.neoncrm.server import ROUTES
from tests.sandbox.neoncrm import neon_spec
from tests.sandbox.neoncrm.neon_support import RawNeon, criterion
from tests.sandbox.spec_validator import Validator

pytestmark = pytest.mark.contract


@pytest.fixture
def spec() -> Any:
    return neon_spec.load()


def test_every_route_the_emulator_serves_is_in_the_spec(spec: Any) -> None:
    paths = neon_spec.raw_spec()["paths"]
    for method, path, _ in ROUTES:
        template = path_template(path)
        assert method.lower() in paths[template], f"{method} {template}"
    # The codes the emulator answers beyond 200 are declared where it uses them.
    account = paths["/accounts/{id}"]
    assert "222" in account["get"]["responses"] and "222" in account["patch"]["responses"]
    assert "222" in account["put"]["responses"]


def test_answers_and_requests_match_the_spec(
    neon: NeonCrmEmulator, raw: RawNeon, spec: Any
) -> None:
    validator = Validator(spec)
    raw.session.hooks["response"].append(validator.hook)
    interests = neon.custom_field_id(ORG_ID, "Volunteer Interests")
    option = next(
        o["id"]
        for f in raw.get("/customFields", params={"category": "Account"}).json()
        if f["id"] == interests
        for o in f["optionValues"]
    )
    created = raw.call(
        "POST",
        "/accounts",
        json={
            "individualAccount": {
                "primaryContact": {
                    "firstName": "Rosa",
                    "lastName": "Delgado",
                    "email1": "rosa@example.org",
                    "addresses": [
                        {
                            "addressLine1": "5 Elm St",
                            "city": "Salem",
                            "phone1": "503-555-0101",
                            "phone1Type": "Home",
                        }
                    ],
                },
                "email1OptOut": False,
                "consent": {"email": "GIVEN"},
                "origin": {"originCategory": "API", "originDetail": "Constant Contact"},
                "accountCustomFields": [{"id": interests, "optionValues": [{"id": option}]}],
            }
        },
    ).json()["id"]
    raw.call("POST", "/accounts", json={"companyAccount": {"name": "Hillside Farm"}})
    raw.get(f"/accounts/{created}")
    raw.get("/accounts/1001")
    raw.call(
        "PATCH",
        f"/accounts/{created}",
        json={"individualAccount": {"email1OptOut": True, "consent": {"email": "DECLINED"}}},
    )
    raw.call(
        "PUT",
        f"/accounts/{created}",
        json={"individualAccount": {"primaryContact": {"firstName": "Rosa", "lastName": "D"}}},
    )
    old, _ = merged_sample_ids(neon)
    raw.get(f"/accounts/{old}")
    raw.call("PATCH", f"/accounts/{old}", json={"individualAccount": {"noSolicitation": True}})
    raw.get("/accounts", params={"userType": "INDIVIDUAL", "pageSize": 50, "currentPage": 0})
    raw.get("/accounts/search/searchFields")
    raw.get("/accounts/search/outputFields")
    raw.search(
        [
            criterion("Account Type", "EQUAL", "Individual"),
            criterion("Email Opt-Out", "EQUAL", "At least one email opted in"),
            criterion("Last Name", "IN_RANGE", valueList=["Kim", "King"]),
        ],
        ["Account ID", "First Name", "Email 2", "Individual Type", int(interests)],
        sortColumn="Last Name",
        sortDirection="ASC",
    )
    raw.get("/customFields", params={"category": "Account"})
    raw.get("/properties/organizationProfile")
    raw.get("/properties/currentSystemUser")
    raw.get("/properties/individualTypes")
    raw.get("/accounts/424242")  # 404, empty
    trial = RawNeon(neon, TRIAL_ORG_ID, TRIAL_API_KEY, trial=True)
    trial.session.hooks["response"].append(validator.hook)
    trial.get("/properties/organizationProfile")
    assert validator.problems == []
    statuses = {entry.rsplit(" ", 1)[1] for entry in validator.checked}
    assert statuses == {"200", "222", "404"}
    served = {entry.split(" -> ")[0] for entry in validator.checked}
    for method, path, _ in ROUTES:
        pattern = re.compile(f"{method} /v2" + re.sub(r"<[^>]+>", "[^/]+", path) + "$")
        assert any(pattern.match(s) for s in served), f"{method} {path} was not checked"


def test_error_answers_match_what_the_spec_declares(neon: NeonCrmEmulator, spec: Any) -> None:
    validator = Validator(spec)
    validator.check(RawNeon(neon, ORG_ID, "wrong").get("/accounts/1001"))  # 401
    bad_operator = RawNeon(neon, ORG_ID, API_KEY).search(
        [criterion("First Name", "INVALID_OPERATOR", "x")], ["Account ID"]
    )
    assert bad_operator.status_code == 400
    validator.check(bad_operator, request_valid=False)  # the spec refuses it too
    assert validator.problems == []


def test_the_validator_catches_an_answer_that_breaks_the_spec(
    neon: NeonCrmEmulator, spec: Any
) -> None:
    answer = RawNeon(neon, ORG_ID, API_KEY).get("/accounts/1010")
    broken = requests.Response()
    broken.status_code = 200
    broken.headers["Content-Type"] = "application/json"
    body = answer.json()
    body["individualAccount"]["email1OptOut"] = "no"  # a string where the spec has a boolean
    broken._content = requests.compat.json.dumps(body).encode()
    broken.request = answer.request
    validator = Validator(spec)
    validator.check(broken)
    assert validator.problems and "email1OptOut" in validator.problems[0]
