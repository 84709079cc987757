"""The data API's routes: each path after ``/services/data/vXX.X``, the template requests
are counted under, and the handler of each method."""

from __future__ import annotations

import re
from collections.abc import Callable

from app.sandbox.salesforce import (
    bulk_ingest,
    bulk_query,
    collections_api,
    describe,
    query_api,
    replication,
    sobjects_api,
    versions,
)
from app.sandbox.salesforce.calls import Call, Env, sobject_or_404
from app.sandbox.salesforce.times import to_ms
from app.sandbox.wire import Reply

Handler = Callable[..., Reply]


def _describe_global(env: Env, call: Call) -> Reply:
    """With ``If-Modified-Since`` (``EEE, dd MMM yyyy HH:mm:ss z``), 304 when no object's
    metadata changed since then."""
    since = call.request.if_modified_since
    changed = int(env.org.setting("schema_changed_ms", "0"))
    if since is not None and changed <= to_ms(since):
        return Reply(304)
    return Reply(200, describe.describe_global(env.org, call.version))


def _describe(env: Env, call: Call, name: str) -> Reply:
    sobject = sobject_or_404(env.org, name)
    return Reply(200, describe.describe_object(env.org, sobject, call.version))


def _query(env: Env, call: Call) -> Reply:
    return query_api.run_query(env, call, everything=False)


def _query_all(env: Env, call: Call) -> Reply:
    return query_api.run_query(env, call, everything=True)


def _ingest_results(part: str) -> Handler:
    def handler(env: Env, call: Call, job_id: str) -> Reply:
        return bulk_ingest.results(env, call, job_id, part)

    return handler


# (pattern after /services/data/vXX.X, template for counts, {method: handler})
ROUTES: list[tuple[re.Pattern[str], str, dict[str, Handler]]] = [
    (re.compile(p), t, h)
    for p, t, h in (
        (r"^/?$", "/", {"GET": versions.resources}),
        (r"^/limits/?$", "/limits", {"GET": versions.limits}),
        (r"^/limits/recordCount/?$", "/limits/recordCount", {"GET": versions.record_count}),
        (r"^/query/?$", "/query", {"GET": _query}),
        (r"^/queryAll/?$", "/queryAll", {"GET": _query_all}),
        (r"^/(?:query|queryAll)/([^/]+)$", "/query/{locator}", {"GET": query_api.next_page}),
        (r"^/sobjects/?$", "/sobjects", {"GET": _describe_global}),
        (r"^/sobjects/([^/]+)/describe/?$", "/sobjects/{sobject}/describe", {"GET": _describe}),
        (
            r"^/sobjects/([^/]+)/updated/?$",
            "/sobjects/{sobject}/updated",
            {"GET": replication.updated},
        ),
        (
            r"^/sobjects/([^/]+)/deleted/?$",
            "/sobjects/{sobject}/deleted",
            {"GET": replication.deleted},
        ),
        (
            r"^/sobjects/([^/]+)/?$",
            "/sobjects/{sobject}",
            {"GET": sobjects_api.basic_info, "POST": sobjects_api.create},
        ),
        (
            r"^/sobjects/([^/]+)/([^/]+)/?$",
            "/sobjects/{sobject}/{id}",
            {
                "GET": sobjects_api.get_record,
                "PATCH": sobjects_api.update_record,
                "DELETE": sobjects_api.delete_record,
            },
        ),
        (
            r"^/sobjects/([^/]+)/([^/]+)/([^/]+)/?$",
            "/sobjects/{sobject}/{field}/{value}",
            {
                "GET": sobjects_api.by_external_id,
                "PATCH": sobjects_api.by_external_id,
                "DELETE": sobjects_api.by_external_id,
            },
        ),
        (
            r"^/composite/sobjects/?$",
            "/composite/sobjects",
            {
                "POST": collections_api.create,
                "PATCH": collections_api.update,
                "DELETE": collections_api.delete,
            },
        ),
        (
            r"^/composite/sobjects/([^/]+)/?$",
            "/composite/sobjects/{sobject}",
            {
                "GET": collections_api.retrieve,
                "PATCH": collections_api.update,
                "DELETE": collections_api.delete,
            },
        ),
        (
            r"^/composite/sobjects/([^/]+)/([^/]+)/?$",
            "/composite/sobjects/{sobject}/{field}",
            {"PATCH": collections_api.upsert},
        ),
        (
            r"^/jobs/ingest/?$",
            "/jobs/ingest",
            {"POST": bulk_ingest.create, "GET": bulk_ingest.list_jobs},
        ),
        (
            r"^/jobs/ingest/([^/]+)/?$",
            "/jobs/ingest/{id}",
            {
                "GET": bulk_ingest.job_info,
                "PATCH": bulk_ingest.change_state,
                "DELETE": bulk_ingest.delete_job,
            },
        ),
        (
            r"^/jobs/ingest/([^/]+)/batches/?$",
            "/jobs/ingest/{id}/batches",
            {"PUT": bulk_ingest.upload},
        ),
        (
            r"^/jobs/ingest/([^/]+)/successfulResults/?$",
            "/jobs/ingest/{id}/successfulResults",
            {"GET": _ingest_results("successfulResults")},
        ),
        (
            r"^/jobs/ingest/([^/]+)/failedResults/?$",
            "/jobs/ingest/{id}/failedResults",
            {"GET": _ingest_results("failedResults")},
        ),
        (
            r"^/jobs/ingest/([^/]+)/unprocessedrecords/?$",
            "/jobs/ingest/{id}/unprocessedrecords",
            {"GET": _ingest_results("unprocessedrecords")},
        ),
        (
            r"^/jobs/query/?$",
            "/jobs/query",
            {"POST": bulk_query.create, "GET": bulk_query.list_jobs},
        ),
        (
            r"^/jobs/query/([^/]+)/?$",
            "/jobs/query/{id}",
            {
                "GET": bulk_query.job_info,
                "PATCH": bulk_query.abort,
                "DELETE": bulk_query.delete_job,
            },
        ),
        (
            r"^/jobs/query/([^/]+)/results/?$",
            "/jobs/query/{id}/results",
            {"GET": bulk_query.results},
        ),
    )
]


def route(rest: str, method: str) -> tuple[str, Handler | None, tuple[str, ...], list[str]]:
    """(count template, handler, path arguments, allowed methods) for a versioned path."""
    for pattern, template, handlers in ROUTES:
        match = pattern.match(rest)
        if match:
            return template, handlers.get(method), match.groups(), list(handlers)
    return rest, None, (), []
