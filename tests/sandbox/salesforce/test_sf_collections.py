"""sObject Collections as live orgs answer them: HTTP 200 with one result per record in
order, failed results without an ``id``, ``allOrNone`` roll-backs, and whole-request errors
for an empty or oversized call."""

from __future__ import annotations

from typing import Any

from app.sandbox.salesforce.ids import make_id
from tests.sandbox.salesforce.sf_support import Api


def _contact(last: str, **fields: Any) -> dict[str, Any]:
    return {"attributes": {"type": "Contact"}, "LastName": last, **fields}


def test_partial_success_keeps_order_and_leaves_ids_off_failures(api: Api) -> None:
    answer = api.post(
        "/composite/sobjects",
        json={
            "allOrNone": False,
            "records": [
                _contact("Curie", Email="marie@example.org"),
                {"attributes": {"type": "Contact"}, "FirstName": "No last name"},
                _contact("Noether", MailingCountryCode="DE", MailingStateCode="BY"),
                _contact("Franklin"),
            ],
        },
    )
    assert answer.status_code == 200
    results = answer.json()
    assert [r["success"] for r in results] == [True, False, False, True]
    assert "id" not in results[1] and "id" not in results[2]
    assert results[1]["errors"] == [
        {
            "statusCode": "REQUIRED_FIELD_MISSING",
            "message": "Required fields are missing: [LastName]",
            "fields": ["LastName"],
        }
    ]
    assert results[2]["errors"][0]["statusCode"] == "FIELD_INTEGRITY_EXCEPTION"
    made = api.records(
        "SELECT LastName FROM Contact WHERE LastName IN ('Curie', 'Noether',"
        " 'Franklin') ORDER BY LastName"
    )
    assert [r["LastName"] for r in made] == ["Curie", "Franklin"]
    assert results[0]["id"].startswith("003") and results[0]["errors"] == []


def test_all_or_none_rolls_every_record_back(api: Api) -> None:
    results = api.post(
        "/composite/sobjects",
        json={
            "allOrNone": True,
            "records": [
                _contact("Meitner"),
                {"attributes": {"type": "Contact"}, "Email": "x@example.org"},
                _contact("Hodgkin"),
            ],
        },
    ).json()
    assert [r["success"] for r in results] == [False, False, False]
    assert results[1]["errors"][0]["statusCode"] == "REQUIRED_FIELD_MISSING"
    for index in (0, 2):
        assert results[index]["errors"][0]["statusCode"] == "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    assert api.records("SELECT Id FROM Contact WHERE LastName IN ('Meitner', 'Hodgkin')") == []


def test_whole_request_errors(api: Api) -> None:
    empty = api.errors(api.post("/composite/sobjects", json={"records": []}), 400)
    assert empty == [
        {"message": "At least 1 record is required", "errorCode": "REQUIRED_FIELD_MISSING"}
    ]
    many = [_contact(f"N{i}") for i in range(201)]
    over = api.errors(api.post("/composite/sobjects", json={"records": many}), 400)
    assert over[0]["errorCode"] == "EXCEEDED_ID_LIMIT"
    assert "cannot submit more than 200 records" in over[0]["message"]
    unknown = api.errors(
        api.post(
            "/composite/sobjects", json={"records": [_contact("A"), _contact("B", Shoe__c="9")]}
        ),
        400,
    )
    assert unknown[0]["errorCode"] == "INVALID_FIELD"
    assert api.records("SELECT Id FROM Contact WHERE LastName = 'A'") == []  # nothing written
    placeholder = api.post(
        "/composite/sobjects", json={"allOrNone": "Boolean", "records": "SObject[]"}
    )
    assert placeholder.status_code == 400


def test_update_sets_opt_outs_and_reports_missing_ids(api: Api) -> None:
    ids = [
        r["Id"]
        for r in api.records(
            "SELECT Id FROM Contact WHERE HasOptedOutOfEmail = false ORDER BY Id LIMIT 2"
        )
    ]
    results = api.patch(
        "/composite/sobjects",
        json={
            "records": [
                {"attributes": {"type": "Contact"}, "id": ids[0], "HasOptedOutOfEmail": True},
                {"attributes": {"type": "Contact"}, "HasOptedOutOfEmail": True},
                {"attributes": {"type": "Contact"}, "Id": ids[1], "HasOptedOutOfEmail": True},
                {"attributes": {"type": "Contact"}, "Id": make_id("003", 999_999), "Title": "x"},
            ]
        },
    ).json()
    assert [r["success"] for r in results] == [True, False, True, False]
    assert results[1]["errors"] == [
        {
            "statusCode": "MISSING_ARGUMENT",
            "message": "Id not specified in an update call",
            "fields": [],
        }
    ]
    assert results[3]["errors"][0]["statusCode"] in ("INVALID_CROSS_REFERENCE_KEY", "MALFORMED_ID")
    opted = api.records(
        f"SELECT HasOptedOutOfEmail FROM Contact WHERE Id IN ('{ids[0]}', '{ids[1]}')"
    )
    assert all(r["HasOptedOutOfEmail"] for r in opted)


def test_upsert_by_email_reports_created_per_record(api: Api) -> None:
    url = "/composite/sobjects/Contact/Email"
    results = api.patch(
        url,
        json={
            "allOrNone": False,
            "records": [
                _contact("Chen", Email="maya.chen@driftwoodcafe.example", Title="Buyer"),
                _contact("Sagan", Email="carl@example.org"),
                {"LastName": "NoAttributes", "Email": "n@example.org"},
                _contact("Nobody"),
            ],
        },
    ).json()
    assert [r["success"] for r in results] == [True, True, False, False]
    assert [r["created"] for r in results] == [False, True, False, False]
    assert results[2]["errors"][0] == {
        "statusCode": "JSON_PARSER_ERROR",
        "message": "Nested object for polymorphic foreign key must have an attributes field"
        " before any other fields.",
        "fields": [],
    }
    assert results[3]["errors"][0]["statusCode"] == "MISSING_ARGUMENT"
    maya = api.records("SELECT Title FROM Contact WHERE Email = 'maya.chen@driftwoodcafe.example'")
    assert maya[0]["Title"] == "Buyer"


def test_retrieve_and_delete_by_ids(api: Api) -> None:
    ids = [r["Id"] for r in api.records("SELECT Id FROM Contact ORDER BY Id LIMIT 2")]
    got = api.get(
        "/composite/sobjects/Contact",
        params={"ids": ",".join([*ids, ids[0][:15]]), "fields": "Id,LastName"},
    ).json()
    assert [g["Id"] for g in got] == [ids[0], ids[1], ids[0]]
    deleted = api.delete(
        "/composite/sobjects", params={"ids": ",".join(ids), "allOrNone": "false"}
    ).json()
    assert deleted == [{"id": i, "success": True, "errors": []} for i in ids]
    again = api.delete("/composite/sobjects", params={"ids": ids[0]}).json()
    assert again == [
        {
            "success": False,
            "errors": [
                {"statusCode": "ENTITY_IS_DELETED", "message": "entity is deleted", "fields": []}
            ],
        }
    ]
    assert api.get(
        "/composite/sobjects/Contact", params={"ids": ids[0], "fields": "Id"}
    ).json() == [None]


def test_collections_count_as_one_call(api: Api) -> None:
    before = int(api.get("/limits").headers["Sforce-Limit-Info"].split("=")[1].split("/")[0])
    answer = api.post(
        "/composite/sobjects", json={"records": [_contact(f"Bulk{i}") for i in range(200)]}
    )
    after = int(answer.headers["Sforce-Limit-Info"].split("=")[1].split("/")[0])
    assert after == before + 1
    assert all(r["success"] for r in answer.json())
