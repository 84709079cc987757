"""Contract tests against Salesforce's own Postman collection (see ``sf_postman``).

Every one of its 40 requests is sent as the collection shapes it (method, URL with its
trailing slashes and query parameter names, headers, body mode) to the emulator, which must
serve it; what each request's test script reads from the answer must be there. The
collection's version variable (50.0, Winter '21) is kept: the emulator serves 31.0 to 66.0.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from app.sandbox.salesforce import PASSWORD, SECURITY_TOKEN, USERNAME, SalesforceEmulator
from tests.sandbox.salesforce import sf_postman
from tests.sandbox.salesforce.sf_support import FakeClock

pytestmark = pytest.mark.contract

APP, SECRET, CALLBACK = "postman-app", "postman-secret", "https://app.example/callback"


@pytest.fixture
def collection() -> sf_postman.Collection:
    return sf_postman.load()


class Runner:
    """Sends the collection's requests and checks what its scripts read."""

    def __init__(self, emu: SalesforceEmulator, collection: sf_postman.Collection) -> None:
        self.emu = emu
        self.collection = collection
        self.session = requests.Session()
        self.values = {
            "url": emu.login_url,
            "site": "",
            "clientId": APP,
            "clientSecret": SECRET,
            "redirectUrl": CALLBACK,
            "username": USERNAME,
            "password": PASSWORD,
            "secretToken": SECURITY_TOKEN,
        }
        self.sent: set[str] = set()

    def send(self, name: str, expect: int | tuple[int, ...] = 200, **kwargs: Any):
        answer = sf_postman.send(self.session, self.collection, name, self.values, **kwargs)
        wanted = expect if isinstance(expect, tuple) else (expect,)
        assert answer.status_code in wanted, f"{name}: {answer.status_code} {answer.text[:300]}"
        reads = self.collection.requests[name].script_reads()
        if reads:
            body = answer.json()
            missing = reads - set(body)
            assert not missing, f"{name}: the collection's script reads {missing}"
            if "id" in reads and "/" in str(body["id"]):
                org_id, user_id = body["id"].split("/")[-2:]
                assert org_id.startswith("00D") and user_id.startswith("005")
        self.sent.add(name)
        return answer


def test_the_emulator_serves_every_request_of_the_collection(
    emu: SalesforceEmulator, collection: sf_postman.Collection, clock: FakeClock
) -> None:
    emu.register_app(
        APP, secret=SECRET, require_pkce=False, callbacks=[CALLBACK], scopes="full refresh_token"
    )
    emu.allow_password_flow()
    run = Runner(emu, collection)
    # -- Auth: the web-server flow, a refresh, the password flow ---------------------------
    page = run.send("Web Server Flow 1")
    assert "Log in to Salesforce" in page.text
    asked = {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}
    login = run.session.post(
        page.url.split("?")[0],
        data={**asked, "username": USERNAME, "pw": PASSWORD, "approve": "1"},
        allow_redirects=False,
        timeout=10,
    )
    code = parse_qs(urlsplit(login.headers["Location"]).query)["code"][0]
    tokens = run.send("Web Server Flow 2", form={"code": code}).json()
    assert "expires_in" not in tokens
    run.values.update(
        {
            "_accessToken": tokens["access_token"],
            "_refreshToken": tokens["refresh_token"],
            "_endpoint": tokens["instance_url"],
        }
    )
    run.values["_accessToken"] = run.send("Refresh Token").json()["access_token"]
    run.send("OAuth Username Password")
    # -- REST -----------------------------------------------------------------------------
    versions = run.send("Versions").json()
    assert {"label": "Winter '21", "url": "/services/data/v50.0", "version": "50.0"} in versions
    assert run.send("Resources by Version").json()["sobjects"] == "/services/data/v50.0/sobjects"
    assert run.send("Limit").json()["DailyApiRequests"]["Max"] == 15_000
    counts = run.send("Record Count").json()["sObjects"]
    assert {"count": 45, "name": "Contact"} in counts
    assert run.send("Describe Global").json()["maxBatchSize"] == 200
    contact = {"SOBJECT_API_NAME": "Contact"}
    assert (
        run.send("SObject Basic Information", placeholders=contact).json()["objectDescribe"]["name"]
        == "Contact"
    )
    fields = run.send("SObject Describe", placeholders=contact).json()["fields"]
    assert "HasOptedOutOfEmail" in {f["name"] for f in fields}
    made = run.send("SObject Create", 201, placeholders={"SOBJECT_API_NAME": "Account"}).json()
    assert made["success"] is True and made["errors"] == []
    maya = next(c for c in emu.records("Contact") if c.get("FirstName") == "Maya")
    row = {**contact, "RECORD_ID": maya["Id"]}
    assert run.send("SObject Rows", placeholders=row).json()["Id"] == maya["Id"]
    run.send("SObject Rows Update", 204, placeholders=row, body={"Title": "Head Buyer"})
    by_email = {**contact, "FIELD_NAME": "Email", "FIELD_VALUE": maya["Email"]}
    assert (
        run.send("SObject Rows by External ID", placeholders=by_email).json()["Title"]
        == "Head Buyer"
    )
    window = {
        "start": (clock.now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "end": (clock.now + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    assert (
        "latestDateCovered"
        in run.send("SObject Get Updated", placeholders=contact, params=window).json()
    )
    gone = next(c["Id"] for c in emu.records("Contact") if c.get("FirstName") == "Hugo")
    run.send("SObject Rows Delete", 204, placeholders={**contact, "RECORD_ID": gone})
    clock.advance(minutes=2)  # windows cover whole minutes that have passed
    window["end"] = clock.now.strftime("%Y-%m-%dT%H:%M:%SZ")
    deleted = run.send("SObject Get Deleted", placeholders=contact, params=window).json()
    assert [d["id"] for d in deleted["deletedRecords"]] == [gone]
    # -- Query: "SELECT+name+from+Account", spaces as "+" ----------------------------------
    accounts = run.send("Query").json()
    # Six businesses, five person accounts and the one "SObject Create" made.
    assert accounts["totalSize"] == 12 and set(accounts["records"][0]) == {"attributes", "Name"}
    assert run.send("QueryAll").json()["totalSize"] == 12
    # -- Composite ------------------------------------------------------------------------
    created = run.send(
        "SObject Collections Create",
        body={
            "allOrNone": False,
            "records": [{"attributes": {"type": "Contact"}, "LastName": "Collected"}],
        },
    ).json()
    new_id = created[0]["id"]
    got = run.send(
        "SObject Collections Retrieve",
        placeholders=contact,
        params={"ids": new_id, "fields": "LastName"},
    ).json()
    assert got[0]["LastName"] == "Collected"
    updated = run.send(
        "SObject Collections Update",
        placeholders=contact,
        body={"records": [{"attributes": {"type": "Contact"}, "id": new_id, "Title": "x"}]},
    ).json()
    assert updated == [{"id": new_id, "success": True, "errors": []}]
    removed = run.send(
        "SObject Collections Delete",
        placeholders=contact,
        params={"ids": new_id, "allOrNone": "false"},
    ).json()
    assert removed == [{"id": new_id, "success": True, "errors": []}]
    # -- Bulk v2 ingest ("Asset" in the collection's body: the emulator has Contacts) -----
    job = run.send("Create job", body={"object": "Contact", "operation": "update"}).json()
    run.values["_jobId"] = job["id"]
    run.send("Upload Job Data", 201, body=f"Id,Title\n{maya['Id']},Roaster\n")
    run.send("Close or Abort a Job")
    for _ in range(3):
        if run.send("Get Job Info").json()["state"] == "JobComplete":
            break
    assert run.send("Get Job Successful Record Results").text.startswith('"sf__Id"')
    assert run.send("Get Job Failed Record Results").text.startswith('"sf__Id","sf__Error"')
    run.send("Get Job Unprocessed Record Results")
    assert job["id"] in run.send("Get All Jobs").text
    run.send("Delete Job", 204)
    # -- Bulk v2 query --------------------------------------------------------------------
    query_job = run.send(
        "Create job Query",
        body={
            "operation": "query",
            "query": "SELECT Id, Email FROM Contact",
            "contentType": "CSV",
            "columnDelimiter": "COMMA",
            "lineEnding": "LF",
        },
    ).json()
    run.values["_jobId"] = query_job["id"]
    for _ in range(3):
        if run.send("Get Job Info Query").json()["state"] == "JobComplete":
            break
    results = run.send("Get Job Query Result")  # sent with the collection's "Accept: test/csv"
    assert results.headers["Sforce-Locator"] == "null"
    assert results.text.startswith('"Id","Email"')
    assert query_job["id"] in run.send("Get All Query Jobs").text
    run.send("Delete Job Query", 204)
    second = run.send(
        "Create job Query", body={"operation": "query", "query": "SELECT Id FROM Lead"}
    ).json()
    run.values["_jobId"] = second["id"]
    emu.set_bulk_in_progress_polls(5)
    assert run.send("Abort a Job Query").json()["state"] == "Aborted"
    # -- and sign out ----------------------------------------------------------------------
    run.send("Revoke Token")
    assert run.send("Limit", 401).json()[0]["errorCode"] == "INVALID_SESSION_ID"
    assert run.sent == set(collection.requests), set(collection.requests) - run.sent


def test_the_placeholder_example_is_answered_as_a_live_org_would(
    api_token: str, emu: SalesforceEmulator, collection: sf_postman.Collection
) -> None:
    """The collection's only examples are requests without answers: a Lead with just a
    first and last name, which a live org refuses for want of a Company."""
    examples = [r for req in collection.requests.values() for r in req.raw.get("responses") or []]
    assert len(examples) == 3 and all(not e["text"] for e in examples)
    request = examples[0]["requestObject"]
    path = request["url"].replace("{{url}}", "").replace("{{version}}", "50.0")
    answer = requests.post(
        emu.base_url + path,
        data=request["rawModeData"],
        timeout=10,
        headers={"Authorization": f"Bearer {api_token}", "Content-Type": "application/json"},
    )
    assert answer.status_code == 400
    assert answer.json() == [
        {
            "message": "Required fields are missing: [Company]",
            "errorCode": "REQUIRED_FIELD_MISSING",
            "fields": ["Company"],
        }
    ]


def test_the_collections_descriptions_hold(
    api_token: str,
    emu: SalesforceEmulator,
    collection: sf_postman.Collection,
    clock: FakeClock,
) -> None:
    """What the vendor's request descriptions state: 30 days for Get Updated, 200 ids for a
    Collections delete."""
    updated = collection.requests["SObject Get Updated"].raw["description"]
    days = int(re.search(r"no more than (\d+) days", updated).group(1))  # type: ignore[union-attr]
    auth = {"Authorization": f"Bearer {api_token}"}
    url = f"{emu.api_url}/sobjects/Contact/updated/"
    for back, status in ((days - 1, 200), (days + 1, 400)):
        start = (clock.now - timedelta(days=back)).strftime("%Y-%m-%dT%H:%M:%SZ")
        end = clock.now.strftime("%Y-%m-%dT%H:%M:%SZ")
        answer = requests.get(url, params={"start": start, "end": end}, headers=auth, timeout=10)
        assert answer.status_code == status, answer.text
    delete = collection.requests["SObject Collections Delete"].raw["queryParams"][0]
    assert "up to 200 IDs" in delete["description"]
    ids = ",".join(r["Id"] for r in emu.records("Contact"))
    many = ",".join([ids] * 5)
    answer = requests.delete(
        f"{emu.api_url}/composite/sobjects", params={"ids": many}, headers=auth, timeout=10
    )
    assert answer.status_code == 400 and answer.json()[0]["errorCode"] == "EXCEEDED_ID_LIMIT"


@pytest.fixture
def api_token(emu: SalesforceEmulator) -> str:
    from app.sandbox.salesforce import CONSUMER_KEY

    return str(emu.issue_token(USERNAME, CONSUMER_KEY)["access_token"])
