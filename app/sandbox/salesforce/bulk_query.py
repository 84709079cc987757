"""Bulk API 2.0 query jobs: create (answered ``UploadComplete`` at once), poll, and read the
results as CSV pages linked by the ``Sforce-Locator`` header, whose last value is the string
``null``. The records are fixed when the job is created."""

from __future__ import annotations

import base64
import csv
import io
import json
from typing import Any

from app.sandbox.salesforce import bulk_jobs as jobs
from app.sandbox.salesforce import derived, shapes, soql_plan, soql_run
from app.sandbox.salesforce import store as records
from app.sandbox.salesforce.calls import Call, Env, bad_request
from app.sandbox.salesforce.errors import SfError
from app.sandbox.salesforce.soql_run import Loader
from app.sandbox.wire import Reply

KIND = "query"
DEFAULT_MAX_RECORDS = 50_000


def create(env: Env, call: Call) -> Reply:
    body = call.json()
    if not isinstance(body, dict):
        raise bad_request("INVALIDJOB", "InvalidJob : the job request must be a JSON object")
    operation = body.get("operation", "query")
    if operation not in ("query", "queryAll"):
        raise bad_request("INVALIDJOB", f"InvalidJob : Invalid operation: {operation}")
    line_ending = body.get("lineEnding", "LF")
    delimiter = body.get("columnDelimiter", "COMMA")
    if line_ending not in jobs.LINE_ENDINGS or delimiter not in jobs.DELIMITERS:
        raise bad_request("INVALIDJOB", "InvalidJob : Invalid lineEnding or columnDelimiter")
    text = str(body.get("query") or "")
    try:
        plan = soql_plan.plan(env.org, text)
    except SfError as exc:
        raise bad_request(
            "INVALIDJOB", f"Failed to process query: {exc.code}: {exc.message}"
        ) from None
    if plan.query.count:
        raise bad_request(
            "INVALIDJOB", "Failed to process query: COUNT() is not supported in Bulk Query"
        )
    if any(c.spec.type == "address" for c in plan.columns):
        raise bad_request(
            "INVALIDJOB",
            "Failed to process query: FUNCTIONALITY_NOT_ENABLED: Selecting"
            " compound data not supported in Bulk Query",
        )
    with env.org.state.tx() as conn:
        doc = jobs.new_job(
            env,
            call,
            conn,
            KIND,
            {
                "operation": operation,
                "object": plan.sobject.name,
                "state": "UploadComplete",
            },
        )
        doc.update(
            {
                "jobType": "V2Query",
                "lineEnding": line_ending,
                "columnDelimiter": delimiter,
                "query": text,
            }
        )
        rows = soql_run.matching(env.org, conn, plan, include_deleted=operation == "queryAll")
        jobs.put_part(conn, doc["id"], "ids", json.dumps([r.id for r in rows]))
        doc["final"] = "JobComplete"
        doc["numberRecordsProcessed"] = len(rows)
        doc["retries"] = 0
        doc["totalProcessingTime"] = 50 + len(rows) // 100
        jobs.save(conn, doc)
    body = jobs.short(doc)
    body["lineEnding"] = line_ending
    body["columnDelimiter"] = delimiter
    return jobs.pretty(200, body)


def job_info(env: Env, call: Call, job_id: str) -> Reply:
    with env.org.state.tx() as conn:
        doc, _ = jobs.load(conn, KIND, job_id)
        body = jobs.info(env, conn, doc, poll=True)
    body.pop("numberRecordsFailed", None)
    return jobs.pretty(200, body)


def list_jobs(env: Env, call: Call) -> Reply:
    with env.org.state.tx() as conn:
        return jobs.listing(env, conn, KIND)


def delete_job(env: Env, call: Call, job_id: str) -> Reply:
    with env.org.state.tx() as conn:
        return jobs.delete(conn, KIND, job_id, env)


def abort(env: Env, call: Call, job_id: str) -> Reply:
    body = call.json()
    if not isinstance(body, dict) or body.get("state") != "Aborted":
        raise bad_request("INVALIDJOB", "InvalidJob : a query job can only be aborted")
    with env.org.state.tx() as conn:
        doc, _ = jobs.load(conn, KIND, job_id)
        if jobs.shown_state(env, doc) in jobs.TERMINAL:
            raise jobs.invalid_state("Job is already complete")
        doc["state"] = "Aborted"
        doc.pop("final", None)
        jobs.save(conn, doc)
    return jobs.pretty(200, jobs.short(doc))


def _locator(offset: int, job_id: str) -> str:
    raw = f"{offset}:{job_id}:{offset // DEFAULT_MAX_RECORDS}".encode()
    return base64.b64encode(raw).decode().rstrip("=")


def _offset(locator: str, job_id: str) -> int:
    try:
        padded = locator + "=" * (-len(locator) % 4)
        offset, owner, _ = base64.b64decode(padded).decode().split(":")
        if owner != job_id:
            raise ValueError(owner)
        return int(offset)
    except ValueError:
        raise bad_request("INVALID_LOCATOR", f"Invalid locator: {locator}") from None


def results(env: Env, call: Call, job_id: str) -> Reply:
    args = call.request.args
    try:
        limit = int(args.get("maxRecords") or DEFAULT_MAX_RECORDS)
    except ValueError:
        raise bad_request("INVALIDJOB", "maxRecords must be a number") from None
    with env.org.state.tx() as conn:
        doc, _ = jobs.load(conn, KIND, job_id)
        if jobs.shown_state(env, doc) != "JobComplete":
            raise jobs.invalid_state(f"Job {job_id} is not complete")
        ids: list[str] = json.loads(jobs.get_part(conn, job_id, "ids") or "[]")
        offset = _offset(args["locator"], job_id) if args.get("locator") else 0
        page = ids[offset : offset + max(1, limit)]
        found = records.load_many(conn, page)
        rows = [found[i] for i in page if i in found]
        plan = soql_plan.plan(env.org, doc["query"])
        derived.enrich(conn, plan.sobject.name, rows)
        text = _csv(env, conn, plan, rows, doc)
    end = offset + len(page)
    locator = _locator(end, job_id) if end < len(ids) else "null"
    headers = [("Sforce-Locator", locator), ("Sforce-NumberOfRecords", str(len(rows)))]
    return Reply(200, raw=text, content_type="text/csv", headers=headers)


def _csv(env: Env, conn: Any, plan: soql_plan.Plan, rows: list, doc: dict) -> str:
    loader = Loader(conn)
    soql_run.prefetch(loader, rows, plan.columns)
    out = io.StringIO()
    writer = csv.writer(
        out,
        delimiter=jobs.DELIMITERS[doc["columnDelimiter"]],
        lineterminator=jobs.LINE_ENDINGS[doc["lineEnding"]],
        quoting=csv.QUOTE_ALL,
    )
    writer.writerow([c.key for c in plan.columns])
    for row in rows:
        writer.writerow(shapes.csv_row(env.org, loader, row, plan.columns))
    return out.getvalue()
