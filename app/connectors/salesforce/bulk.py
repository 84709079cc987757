"""Bulk API 2.0: large reads as query jobs, large writes as ingest jobs, both in CSV.

**Query.** ``POST /jobs/query`` answers ``UploadComplete`` at once; the job is polled until
``JobComplete`` (or ``Failed``/``Aborted``), then its results are read in pages of up to
:data:`RESULT_PAGE` rows: each page names the next in ``Sforce-Locator``, and the last says
the *string* ``null``. 100,000 records cost a handful of requests instead of 50 pages.

**Ingest.** ``POST /jobs/ingest`` (insert or update), ``PUT …/batches`` with the CSV (LF,
no byte-order mark), ``PATCH`` ``{"state": "UploadComplete"}`` (nothing starts without it),
poll, then ``successfulResults/`` and ``failedResults/``. Rows that fail still end the job
in ``JobComplete``; a bad column fails the whole job (``Failed`` with an ``errorMessage``).
Result rows come back in no promised order: each is matched to what was sent by its echoed
columns (an update's ``Id``). An empty cell leaves a field as it is; ``#N/A`` empties it.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict, deque
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from app.connectors.http import EncodedJson
from app.connectors.salesforce.client import SalesforceClient
from app.connectors.salesforce.errors import Labels, no_labels, query_error, record_error
from app.connectors.salesforce.wire import SERVICE
from app.connectors.wire import Answer
from app.core.errors import RemoteError, SourceError

RESULT_PAGE = 50_000  # rows per results page (Salesforce's own default is larger)
FIRST_POLL, MAX_POLL = 0.5, 10.0  # seconds between looks at a job, growing
MAX_WAIT = 3600.0  # a job not done in an hour is reported, not waited on forever
NULL = "#N/A"
DONE = frozenset({"JobComplete", "Failed", "Aborted"})


def _wait_for(client: SalesforceClient, kind: str, job_id: str, what: str) -> dict[str, Any]:
    """Poll a job until it is done; its last info."""
    pause, waited = FIRST_POLL, 0.0
    while True:
        info = dict(
            client.call("GET", f"/jobs/{kind}/{{job_id}}", path_params={"job_id": job_id}) or {}
        )
        if str(info.get("state") or "") in DONE:
            return info
        if waited >= MAX_WAIT:
            raise SourceError(
                f"{SERVICE} has not finished its bulk job for {what} after an hour. Sync "
                "again later.",
                details=f"job {job_id}: {info.get('state')}",
            )
        client.sleep(pause)
        waited += pause
        pause = min(pause * 2, MAX_POLL)


def _failed(info: Mapping[str, Any], what: str, labels: Labels) -> SourceError:
    message = str(info.get("errorMessage") or "").strip()
    code, _, text = message.partition(" : ")
    reason = record_error([{"statusCode": code.strip(), "message": text or message}], labels)
    return SourceError(
        f"{SERVICE}'s bulk job for {what} failed. {reason}",
        details=f"job {info.get('id')}: {info.get('state')}: {message}",
    )


def query(
    client: SalesforceClient, soql: str, what: str, labels: Labels = no_labels
) -> Iterator[dict[str, str]]:
    """Run a query as a Bulk API 2.0 job; its rows as ``{column: text}`` (relationship
    columns as ``Account.Name``; an empty cell is "")."""
    try:
        job = client.call(
            "POST", "/jobs/query", json={"operation": "query", "query": soql}, idempotent=True
        )
    except RemoteError as exc:
        if exc.status == 400:
            raise query_error(exc, what, labels) from None
        raise
    job_id = str((job or {}).get("id") or "")
    info = _wait_for(client, "query", job_id, what)
    if info.get("state") != "JobComplete":
        raise _failed(info, what, labels)
    locator = ""
    while True:
        params: dict[str, Any] = {"maxRecords": RESULT_PAGE}
        if locator:
            params["locator"] = locator
        answer: Answer = client.call(
            "GET",
            "/jobs/query/{job_id}/results",
            path_params={"job_id": job_id},
            params=params,
            raw=True,
            headers={"Accept": "text/csv"},
        )
        yield from csv.DictReader(io.StringIO(answer.body))
        locator = str(answer.headers.get("Sforce-Locator") or "").strip()
        if not locator or locator == "null":
            return


def encode_csv(columns: Sequence[str], rows: Sequence[Mapping[str, str]]) -> bytes:
    """The upload: LF line endings, every value quoted, no byte-order mark; a blank value
    that should empty its field is ``#N/A`` already (the caller decides)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([str(row.get(c) or "").replace("\r\n", "\n") for c in columns])
    return out.getvalue().encode("utf-8")


def ingest(
    client: SalesforceClient,
    sobject: str,
    operation: str,
    rows: Sequence[Mapping[str, str]],
    what: str,
    labels: Labels = no_labels,
) -> list[dict[str, Any]]:
    """Insert or update ``rows`` with one ingest job; one result per row, in order, shaped
    like sObject Collections' (``{"id", "success", "errors"}``; ``message`` is already in
    plain words when the job refused the row)."""
    columns = list(dict.fromkeys(c for row in rows for c in row))
    job = client.call(
        "POST",
        "/jobs/ingest",
        json={
            "object": sobject,
            "operation": operation,
            "contentType": "CSV",
            "lineEnding": "LF",
            "columnDelimiter": "COMMA",
        },
    )
    job_id = str((job or {}).get("id") or "")
    path = {"job_id": job_id}
    client.call(
        "PUT",
        "/jobs/ingest/{job_id}/batches",
        path_params=path,
        json=EncodedJson(encode_csv(columns, rows), "text/csv"),
        raw=True,
    )
    client.call(
        "PATCH", "/jobs/ingest/{job_id}", path_params=path, json={"state": "UploadComplete"}
    )
    info = _wait_for(client, "ingest", job_id, what)
    if info.get("state") != "JobComplete":
        raise _failed(info, what, labels)
    done = _result_rows(client, job_id, "successfulResults")
    failed = _result_rows(client, job_id, "failedResults")
    return _match(columns, rows, done, failed)


def _result_rows(client: SalesforceClient, job_id: str, kind: str) -> list[dict[str, str]]:
    answer: Answer = client.call(
        "GET",
        f"/jobs/ingest/{{job_id}}/{kind}/",
        path_params={"job_id": job_id},
        raw=True,
        headers={"Accept": "text/csv"},
    )
    return list(csv.DictReader(io.StringIO(answer.body)))


_FIELDS = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(,[A-Za-z][A-Za-z0-9_]*)*$")


def failure(text: str) -> dict[str, Any]:
    """A failed row's ``sf__Error`` (``CODE:message:Field1,Field2 --``) as an error object."""
    code, _, message = text.strip().removesuffix("--").strip().partition(":")
    head, _, tail = message.rpartition(":")
    fields = tail.split(",") if head and _FIELDS.match(tail) else []
    return {"statusCode": code, "message": (head if fields else message).strip(), "fields": fields}


def _signature(columns: Sequence[str], row: Mapping[str, str]) -> tuple[str, ...]:
    return tuple(str(row.get(c) or "").replace("\r\n", "\n") for c in columns)


def _match(
    columns: Sequence[str],
    rows: Sequence[Mapping[str, str]],
    done: list[dict[str, str]],
    failed: list[dict[str, str]],
) -> list[dict[str, Any]]:
    """Each sent row's result, found by its echoed values (identical rows take their
    results in turn); a row neither list names is reported as not processed."""
    waiting: dict[tuple[str, ...], deque[dict[str, Any]]] = defaultdict(deque)
    for good in done:
        waiting[_signature(columns, good)].append(
            {"id": good.get("sf__Id", ""), "success": True, "errors": []}
        )
    for bad in failed:
        waiting[_signature(columns, bad)].append(
            {"success": False, "errors": [failure(str(bad.get("sf__Error") or ""))]}
        )
    results = []
    for row in rows:
        queue = waiting.get(_signature(columns, row))
        if queue:
            results.append(queue.popleft())
        else:
            results.append(
                {
                    "success": False,
                    "errors": [
                        {"message": f"{SERVICE}'s bulk job did not process it; sync again."}
                    ],
                }
            )
    return results
