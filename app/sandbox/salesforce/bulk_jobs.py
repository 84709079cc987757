"""What Bulk API 2.0 ingest and query jobs share: their stored documents, their states as
polls see them, and the pretty-printed JSON job-info answers live orgs give."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from app.sandbox.salesforce import store as records
from app.sandbox.salesforce.calls import Call, Env
from app.sandbox.salesforce.errors import SfError
from app.sandbox.salesforce.times import sf_datetime
from app.sandbox.wire import Reply

DELIMITERS = {
    "COMMA": ",",
    "TAB": "\t",
    "PIPE": "|",
    "SEMICOLON": ";",
    "CARET": "^",
    "BACKQUOTE": "`",
}
LINE_ENDINGS = {"LF": "\n", "CRLF": "\r\n"}
TERMINAL = ("JobComplete", "Failed", "Aborted")
# Keys the answers to create, close/abort and info carry, in live order.
SHORT = (
    "id",
    "operation",
    "object",
    "createdById",
    "createdDate",
    "systemModstamp",
    "state",
    "externalIdFieldName",
    "concurrencyMode",
    "contentType",
    "apiVersion",
)
COUNTS = (
    "jobType",
    "lineEnding",
    "columnDelimiter",
    "numberRecordsProcessed",
    "numberRecordsFailed",
    "retries",
    "totalProcessingTime",
    "apiActiveProcessingTime",
    "apexProcessingTime",
    "errorMessage",
)


def pretty(status: int, body: Any) -> Reply:
    """Job bodies come pretty-printed (``"state" : "Open"``)."""
    text = json.dumps(body, indent=2, separators=(",", " : "))
    return Reply(status, raw=text, content_type="application/json")


def job_not_found() -> SfError:
    return SfError(404, "NOT_FOUND", "The requested resource does not exist")


def invalid_state(message: str) -> SfError:
    return SfError(400, "INVALIDJOBSTATE", message)


def new_job(env: Env, call: Call, conn: sqlite3.Connection, kind: str, doc: dict) -> dict:
    job_id = records.new_ids(conn, "750")[0]
    now = sf_datetime(env.org.now_ms())
    doc = {
        "id": job_id,
        **doc,
        "createdById": call.user_id,
        "createdDate": now,
        "systemModstamp": now,
        "concurrencyMode": "Parallel",
        "contentType": "CSV",
        "apiVersion": float(call.version),
        "polls": 0,
    }
    conn.execute(
        "INSERT INTO bulk_jobs (id, kind, doc, created_ms) VALUES (?, ?, ?, ?)",
        (job_id, kind, json.dumps(doc), env.org.now_ms()),
    )
    return doc


def load(conn: sqlite3.Connection, kind: str, job_id: str) -> tuple[dict, str]:
    row = conn.execute(
        "SELECT doc, upload FROM bulk_jobs WHERE id = ? AND kind = ?", (job_id, kind)
    ).fetchone()
    if row is None:
        raise job_not_found()
    return json.loads(row["doc"]), row["upload"]


def save(conn: sqlite3.Connection, doc: dict, upload: str | None = None) -> None:
    if upload is None:
        conn.execute("UPDATE bulk_jobs SET doc = ? WHERE id = ?", (json.dumps(doc), doc["id"]))
    else:
        conn.execute(
            "UPDATE bulk_jobs SET doc = ?, upload = ? WHERE id = ?",
            (json.dumps(doc), upload, doc["id"]),
        )


def put_part(conn: sqlite3.Connection, job_id: str, part: str, body: str) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO bulk_results (job_id, part, body) VALUES (?, ?, ?)",
        (job_id, part, body),
    )


def get_part(conn: sqlite3.Connection, job_id: str, part: str) -> str:
    row = conn.execute(
        "SELECT body FROM bulk_results WHERE job_id = ? AND part = ?", (job_id, part)
    ).fetchone()
    return "" if row is None else str(row["body"])


def shown_state(env: Env, doc: dict) -> str:
    """The state a poll sees: a processed job says InProgress for the first polls."""
    final = doc.get("final")
    if final is None:
        return str(doc["state"])
    if doc["polls"] < env.bulk_in_progress_polls:
        return "InProgress"
    return str(final)


def info(env: Env, conn: sqlite3.Connection, doc: dict, *, poll: bool) -> dict[str, Any]:
    """The job-info body; a poll moves a processed job towards its final state."""
    state = shown_state(env, doc)
    if poll and doc.get("final") is not None:
        doc["polls"] += 1
        if state != "InProgress":
            doc["state"] = state
        save(conn, doc)
    body = short(doc, state)
    for key in COUNTS:
        if key in doc and (key != "errorMessage" or state == "Failed"):
            body[key] = doc[key]
    if state == "InProgress":
        body["numberRecordsProcessed"] = 0
        body["numberRecordsFailed"] = 0
    return body


def short(doc: dict, state: str | None = None) -> dict[str, Any]:
    body = {k: doc[k] for k in SHORT if k in doc}
    body["state"] = state or doc["state"]
    return body


def listing(env: Env, conn: sqlite3.Connection, kind: str) -> Reply:
    rows = conn.execute(
        "SELECT doc FROM bulk_jobs WHERE kind = ? ORDER BY created_ms, id", (kind,)
    ).fetchall()
    jobs = []
    for row in rows:
        doc = json.loads(row["doc"])
        body = short(doc, shown_state(env, doc))
        body["jobType"] = doc.get("jobType")
        jobs.append(body)
    return pretty(200, {"done": True, "records": jobs, "nextRecordsUrl": None})


def delete(conn: sqlite3.Connection, kind: str, job_id: str, env: Env) -> Reply:
    doc, _ = load(conn, kind, job_id)
    if shown_state(env, doc) not in (*TERMINAL, "UploadComplete") or doc["state"] == "Open":
        raise invalid_state("Job can only be deleted once it is closed, aborted or complete")
    conn.execute("DELETE FROM bulk_jobs WHERE id = ?", (job_id,))
    conn.execute("DELETE FROM bulk_results WHERE job_id = ?", (job_id,))
    return Reply(204)
