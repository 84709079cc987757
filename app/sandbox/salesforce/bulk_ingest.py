"""Bulk API 2.0 ingest jobs: create, upload CSV, ``UploadComplete``, poll, results.

Processing starts only after ``UploadComplete``. Rows that fail still leave the job
``JobComplete`` (with ``numberRecordsFailed``); the job itself ``Failed`` only for what makes
the whole upload unreadable: an unknown column, line endings that disagree with the job's
setting, a byte-order mark. An empty cell leaves a field unchanged; ``#N/A`` empties it.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from typing import Any

from app.sandbox.salesforce import bulk_jobs as jobs
from app.sandbox.salesforce import rules, upserts
from app.sandbox.salesforce.calls import Call, Env, bad_request
from app.sandbox.salesforce.errors import RecordError
from app.sandbox.salesforce.fields import ObjectSpec
from app.sandbox.salesforce.rules import Write
from app.sandbox.salesforce.values import BadValue, coerce
from app.sandbox.wire import Reply

OPERATIONS = ("insert", "update", "upsert", "delete", "hardDelete")
KIND = "ingest"
NULL = "#N/A"


def create(env: Env, call: Call) -> Reply:
    body = call.json()
    if not isinstance(body, dict):
        raise bad_request("INVALIDJOB", "InvalidJob : the job request must be a JSON object")
    name = str(body.get("object") or "")
    sobject = env.org.sobject(name)
    if sobject is None or not sobject.createable:
        raise bad_request("INVALIDENTITY", f"{name} is not supported by the Bulk API")
    operation = body.get("operation")
    if operation not in OPERATIONS:
        raise bad_request("INVALIDJOB", f"InvalidJob : Invalid operation: {operation}")
    doc: dict[str, Any] = {"operation": operation, "object": sobject.name, "state": "Open"}
    if operation == "upsert":
        field = body.get("externalIdFieldName")
        if not field:
            raise bad_request("INVALIDJOB", "InvalidJob : External ID field name is required")
        doc["externalIdFieldName"] = upserts.key_field(sobject, str(field)).name
    line_ending = body.get("lineEnding", "LF")
    delimiter = body.get("columnDelimiter", "COMMA")
    if line_ending not in jobs.LINE_ENDINGS or delimiter not in jobs.DELIMITERS:
        raise bad_request("INVALIDJOB", "InvalidJob : Invalid lineEnding or columnDelimiter")
    with env.org.state.tx() as conn:
        doc = jobs.new_job(env, call, conn, KIND, doc)
        doc.update({"jobType": "V2Ingest", "lineEnding": line_ending, "columnDelimiter": delimiter})
        jobs.save(conn, doc)
    body = jobs.short(doc)
    body["contentUrl"] = f"services/data/v{call.version}/jobs/ingest/{doc['id']}/batches"
    body["lineEnding"] = line_ending
    body["columnDelimiter"] = delimiter
    return jobs.pretty(200, body)


def upload(env: Env, call: Call, job_id: str) -> Reply:
    data = call.request.get_data(as_text=True)
    with env.org.state.tx() as conn:
        doc, existing = jobs.load(conn, KIND, job_id)
        if doc["state"] != "Open":
            raise jobs.invalid_state("Job is not Open: data can only be uploaded to an open job")
        if existing:
            _, _, rest = data.partition("\n")  # a later upload repeats the header
            data = existing + rest
        jobs.save(conn, doc, data)
    return Reply(201)


def change_state(env: Env, call: Call, job_id: str) -> Reply:
    body = call.json()
    wanted = body.get("state") if isinstance(body, dict) else None
    with env.org.state.tx() as conn:
        doc, data = jobs.load(conn, KIND, job_id)
        if wanted == "UploadComplete":
            if doc["state"] != "Open":
                raise jobs.invalid_state("Job is not Open")
            doc["state"] = "UploadComplete"
            _process(env, call, conn, doc, data)
        elif wanted == "Aborted":
            if jobs.shown_state(env, doc) in jobs.TERMINAL:
                raise jobs.invalid_state("Job is already complete")
            doc["state"] = "Aborted"
            doc.pop("final", None)
            jobs.put_part(conn, job_id, "unprocessed", data)
        else:
            raise bad_request("INVALIDJOB", f"InvalidJob : Invalid state: {wanted}")
        jobs.save(conn, doc)
    return jobs.pretty(200, jobs.short(doc))


def job_info(env: Env, call: Call, job_id: str) -> Reply:
    with env.org.state.tx() as conn:
        doc, _ = jobs.load(conn, KIND, job_id)
        return jobs.pretty(200, jobs.info(env, conn, doc, poll=True))


def list_jobs(env: Env, call: Call) -> Reply:
    with env.org.state.tx() as conn:
        return jobs.listing(env, conn, KIND)


def delete_job(env: Env, call: Call, job_id: str) -> Reply:
    with env.org.state.tx() as conn:
        return jobs.delete(conn, KIND, job_id, env)


def results(env: Env, call: Call, job_id: str, part: str) -> Reply:
    names = {
        "successfulResults": "ok",
        "failedResults": "failed",
        "unprocessedrecords": "unprocessed",
    }
    with env.org.state.tx() as conn:
        doc, data = jobs.load(conn, KIND, job_id)
        done = jobs.shown_state(env, doc) in jobs.TERMINAL
        text = jobs.get_part(conn, job_id, names[part]) if done else ""
    if not text:
        header = data.split("\n", 1)[0].rstrip("\r") if data else ""
        text = _empty_result(part, header)
    return Reply(200, raw=text, content_type="text/csv")


def _empty_result(part: str, header: str) -> str:
    heads = {"successfulResults": '"sf__Id","sf__Created"', "failedResults": '"sf__Id","sf__Error"'}
    lead = heads.get(part)
    if lead is None:
        return header + "\n" if header else ""
    return f"{lead},{header}\n" if header else f"{lead}\n"


# -- processing ---------------------------------------------------------------------------


def _fail(doc: dict, message: str) -> None:
    doc["final"] = "Failed"
    doc["errorMessage"] = message
    doc["numberRecordsProcessed"] = 0
    doc["numberRecordsFailed"] = 0
    doc["retries"] = 0
    doc["totalProcessingTime"] = doc["apiActiveProcessingTime"] = doc["apexProcessingTime"] = 0


def _process(env: Env, call: Call, conn: sqlite3.Connection, doc: dict, data: str) -> None:
    ending = doc["lineEnding"]
    if data.startswith("\ufeff"):
        return _fail(
            doc,
            "InvalidBatch : Failed to parse CSV. Found unescaped quote. A value"
            " with quote should be within a quote",
        )
    crlf = "\r\n" in data
    bare_lf = "\n" in data.replace("\r\n", "")
    if (ending == "LF" and crlf) or (ending == "CRLF" and bare_lf):
        return _fail(
            doc,
            "ClientInputError : LineEnding is invalid on user data. Current"
            f" LineEnding setting is {ending}",
        )
    delimiter = jobs.DELIMITERS[doc["columnDelimiter"]]
    rows = list(csv.reader(io.StringIO(data, newline=""), delimiter=delimiter))
    if not rows:
        return _fail(doc, "InvalidBatch : Failed to parse CSV header")
    header, body = rows[0], [r for r in rows[1:] if r]
    sobject = env.org.sobject(doc["object"])
    assert sobject is not None
    for name in header:
        if name != "Id" and sobject.field(name) is None:
            return _fail(doc, f"InvalidBatch : Field name not found : {name}")
    ok, failed = [], []
    w = Write(conn, env.org, call.user_id, env.org.now_ms())
    for index, cells in enumerate(body):
        try:
            with env.org.state.savepoint(conn, f"row_{index}"):
                record_id, created = _row(w, doc, sobject, header, cells)
            ok.append([record_id, "true" if created else "false", *cells])
        except RecordError as exc:
            given = dict(zip(header, cells, strict=False)).get("Id", "")
            failed.append([given if doc["operation"] != "insert" else "", exc.bulk_text(), *cells])
    jobs.put_part(conn, doc["id"], "ok", _result_csv(["sf__Id", "sf__Created"], header, ok))
    jobs.put_part(conn, doc["id"], "failed", _result_csv(["sf__Id", "sf__Error"], header, failed))
    doc["final"] = "JobComplete"
    doc["numberRecordsProcessed"] = len(body)
    doc["numberRecordsFailed"] = len(failed)
    doc["retries"] = 0
    doc["totalProcessingTime"] = 40 + len(body) // 10
    doc["apiActiveProcessingTime"] = 20 + len(body) // 20
    doc["apexProcessingTime"] = 0
    return None


def _row(
    w: Write, doc: dict, sobject: ObjectSpec, header: list[str], cells: list[str]
) -> tuple[str, bool]:
    values: dict[str, Any] = {}
    record_id = ""
    for column, (name, cell) in enumerate(zip(header, cells, strict=False), start=1):
        if name == "Id":
            record_id = cell
            continue
        if cell == "":
            continue  # an empty cell leaves the field as it is
        spec = sobject.field(name)
        assert spec is not None
        if cell == NULL:
            values[spec.name] = None
            continue
        try:
            values[spec.name] = coerce(spec, cell)
        except BadValue as exc:
            raise RecordError(
                "INVALID_FIELD",
                f"Failed to deserialize field at col {column}. Due to, '{cell}' is not a valid"
                f" value for the type {exc.xsd}",
                [spec.name],
            ) from None
    operation = doc["operation"]
    if operation == "insert":
        return rules.create(w, sobject, values).id, True
    if operation == "update":
        return rules.update(w, sobject, record_id, values).id, False
    if operation in ("delete", "hardDelete"):
        return rules.delete(w, sobject, record_id).id, False
    spec = upserts.key_field(sobject, doc["externalIdFieldName"])
    found = upserts.matches(w.conn, sobject, spec, values.get(spec.name))
    if len(found) > 1:
        raise upserts.too_many(spec, found)
    if found:
        return rules.update(w, sobject, found[0].id, values).id, False
    return rules.create(w, sobject, values).id, True


def _result_csv(lead: list[str], header: list[str], rows: list[list[str]]) -> str:
    """Live result files quote the ``sf__`` names and every value, not the echoed header."""
    out = io.StringIO()
    out.write(",".join([*(f'"{n}"' for n in lead), *header]) + "\n")
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerows(rows)
    return out.getvalue()
