"""Bulk API 2.0: ingest jobs (CSV upload, UploadComplete, polls, results with row failures
inside JobComplete) and query jobs (results paged by ``Sforce-Locator``)."""

from __future__ import annotations

import csv
import io
from typing import Any

from tests.sandbox.salesforce.sf_support import Api


def _ingest(api: Api, csv_text: str, **job: Any) -> str:
    created = api.post("/jobs/ingest", json={"object": "Contact", "operation": "insert", **job})
    assert created.status_code == 200, created.text
    body = created.json()
    assert body["state"] == "Open" and body["contentUrl"].startswith("services/data/v66.0/")
    assert '"state" : "Open"' in created.text  # pretty-printed, as live
    upload = api.put(
        f"/{body['contentUrl'].split('/v66.0/', 1)[1]}",
        data=csv_text.encode(),
        headers={"Content-Type": "text/csv"},
    )
    assert upload.status_code == 201
    closed = api.patch(f"/jobs/ingest/{body['id']}", json={"state": "UploadComplete"})
    assert closed.json()["state"] == "UploadComplete" and "contentUrl" not in closed.json()
    return str(body["id"])


def _poll(api: Api, path: str) -> dict[str, Any]:
    states = []
    for _ in range(5):
        info = api.get(path).json()
        states.append(info["state"])
        if info["state"] in ("JobComplete", "Failed", "Aborted"):
            assert states[0] == "InProgress"  # one poll sees it working first
            return dict(info)
    raise AssertionError(states)


def test_ingest_row_failures_end_inside_job_complete(api: Api) -> None:
    data = (
        "FirstName,LastName,Email,Customer_Since__c\n"
        "Ada,Lovelace,ada@example.org,2024-01-02\n"
        "Nameless,,nameless@example.org,\n"
        "Alan,Turing,alan@example.org,2024-13-45\n"
    )
    job = _ingest(api, data)
    info = _poll(api, f"/jobs/ingest/{job}")
    assert info["state"] == "JobComplete" and info["jobType"] == "V2Ingest"
    assert info["numberRecordsProcessed"] == 3 and info["numberRecordsFailed"] == 2
    ok = api.get(f"/jobs/ingest/{job}/successfulResults").text.splitlines()
    assert ok[0] == '"sf__Id","sf__Created",FirstName,LastName,Email,Customer_Since__c'
    assert ok[1].startswith('"003') and '"true","Ada"' in ok[1]
    failed = list(csv.reader(io.StringIO(api.get(f"/jobs/ingest/{job}/failedResults").text)))
    assert failed[0][:2] == ["sf__Id", "sf__Error"]
    assert failed[1][0] == ""  # a failed insert has no id
    assert failed[1][1] == (
        "REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --"
    )
    assert failed[2][1].startswith(
        "INVALID_FIELD:Failed to deserialize field at col 4. Due to,"
        " '2024-13-45' is not a valid value for the type xsd:date"
    )
    assert api.records("SELECT Id FROM Contact WHERE Email = 'ada@example.org'")


def test_ingest_update_with_empty_cells_and_na(api: Api) -> None:
    target = api.records(
        "SELECT Id, Title FROM Contact WHERE Email = 'maya.chen@driftwoodcafe.example'"
    )[0]["Id"]
    api.patch(f"/sobjects/Contact/{target}", json={"Title": "Buyer", "Department": "Coffee"})
    job = _ingest(
        api, f"Id,HasOptedOutOfEmail,Title,Department\n{target},true,,#N/A\n", operation="update"
    )
    _poll(api, f"/jobs/ingest/{job}")
    row = api.get(f"/sobjects/Contact/{target}").json()
    assert row["HasOptedOutOfEmail"] is True
    assert row["Title"] == "Buyer" and row["Department"] is None


def test_ingest_upsert_by_email(api: Api) -> None:
    job = _ingest(
        api,
        "Email,LastName\nmaya.chen@driftwoodcafe.example,Chen\nnew.person@example.org,Person\n",
        operation="upsert",
        externalIdFieldName="Email",
    )
    _poll(api, f"/jobs/ingest/{job}")
    ok = list(csv.reader(io.StringIO(api.get(f"/jobs/ingest/{job}/successfulResults").text)))
    assert [r[1] for r in ok[1:]] == ["false", "true"]


def test_whole_job_failures(api: Api) -> None:
    job = _ingest(api, "LastName,StageName_invalid\nX,Y\n")
    info = _poll(api, f"/jobs/ingest/{job}")
    assert info["state"] == "Failed" and info["numberRecordsProcessed"] == 0
    assert info["errorMessage"] == "InvalidBatch : Field name not found : StageName_invalid"
    unprocessed = api.get(f"/jobs/ingest/{job}/unprocessedrecords").text
    assert unprocessed.startswith("LastName,StageName_invalid")
    crlf = _ingest(api, "LastName\r\nX\r\n")
    info = _poll(api, f"/jobs/ingest/{crlf}")
    assert info["errorMessage"] == (
        "ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is LF"
    )
    bom = _ingest(api, "\ufeffLastName\nX\n")
    assert _poll(api, f"/jobs/ingest/{bom}")["errorMessage"].startswith(
        "InvalidBatch : Failed to parse CSV"
    )


def test_ingest_job_list_abort_and_delete(api: Api) -> None:
    created = api.post("/jobs/ingest", json={"object": "Contact", "operation": "insert"}).json()
    aborted = api.patch(f"/jobs/ingest/{created['id']}", json={"state": "Aborted"})
    assert aborted.json()["state"] == "Aborted"
    listed = api.get("/jobs/ingest").json()
    assert listed["done"] is True and created["id"] in [j["id"] for j in listed["records"]]
    assert api.delete(f"/jobs/ingest/{created['id']}").status_code == 204
    assert api.get(f"/jobs/ingest/{created['id']}").status_code == 404
    bad = api.post("/jobs/ingest", json={"object": "Nope", "operation": "insert"})
    assert api.errors(bad, 400)[0]["errorCode"] == "INVALIDENTITY"


def test_query_job_pages_results_with_the_locator(api: Api) -> None:
    api.emu.seed_contacts(2_500)
    created = api.post(
        "/jobs/query",
        json={
            "operation": "query",
            "query": "SELECT Id, Email, HasOptedOutOfEmail, Account.Name FROM Contact",
        },
    )
    assert created.status_code == 200 and created.json()["state"] == "UploadComplete"
    job = created.json()["id"]
    info = _poll(api, f"/jobs/query/{job}")
    assert info["numberRecordsProcessed"] == 2_545 and info["jobType"] == "V2Query"
    rows: list[list[str]] = []
    locator = ""
    pages = 0
    while locator != "null":
        params = {"maxRecords": "1000", **({"locator": locator} if locator else {})}
        page = api.get(f"/jobs/query/{job}/results", params=params)
        assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/csv")
        parsed = list(csv.reader(io.StringIO(page.text)))
        assert parsed[0] == ["Id", "Email", "HasOptedOutOfEmail", "Account.Name"]
        assert page.headers["Sforce-NumberOfRecords"] == str(len(parsed) - 1)
        rows += parsed[1:]
        locator = page.headers["Sforce-Locator"]
        pages += 1
    assert pages == 3 and len(rows) == 2_545 and len({r[0] for r in rows}) == 2_545
    assert {r[2] for r in rows} == {"true", "false"}
    assert page.text.splitlines()[1].startswith('"')  # every value quoted
    assert api.get(f"/jobs/query//{job}/results").status_code == 404


def test_query_job_refusals(api: Api) -> None:
    compound = api.post(
        "/jobs/query", json={"operation": "query", "query": "SELECT MailingAddress FROM Contact"}
    )
    assert "compound data not supported" in api.errors(compound, 400)[0]["message"]
    bad = api.post("/jobs/query", json={"operation": "query", "query": "SELECT Nope FROM Contact"})
    assert "INVALID_FIELD" in api.errors(bad, 400)[0]["message"]
