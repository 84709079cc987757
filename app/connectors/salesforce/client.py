"""The Salesforce REST API client: versions, describe, SOQL with paging, the replication
calls (getUpdated, getDeleted) and sObject Collections.

One client speaks to one org (its ``instance_url``) under one pinned API version, through
``http.ApiSession`` and the Salesforce wire policy (``wire.WIRE``). Reads page with
``nextRecordsUrl`` (2,000 records a page, 1,000 when a long text field is selected, without
a word); the last page has no ``nextRecordsUrl`` key at all. The Bulk API 2.0 lives in
``bulk.py`` and uses this client's session.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import requests

from app.connectors.auth import WireAuth
from app.connectors.base import RequestStats
from app.connectors.http import (
    DEFAULT_TIMEOUT,
    ApiSession,
    RateLimiter,
    RetryPolicy,
    build_session,
)
from app.connectors.salesforce.errors import Labels, no_labels, query_error
from app.connectors.salesforce.wire import SERVICE, WIRE, UsageMeter
from app.core.errors import NeedsReconnect, RemoteError

COLLECTION_MAX = 200  # records per sObject Collections call (Salesforce's limit)
PER_SECOND = 20  # a courtesy pace; Salesforce limits by the day, not the second


def soql_time(moment: datetime) -> str:
    """A SOQL datetime literal, ``2026-05-01T07:25:37Z`` (UTC, no quotes)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def soql_string(text: str) -> str:
    """A quoted SOQL string literal."""
    escaped = text.replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}'"


def soql_ids(ids: Sequence[str]) -> str:
    """``('001…','001…')`` for ``Id IN``."""
    return "(" + ",".join(soql_string(i) for i in ids) + ")"


def rest_time(moment: datetime) -> str:
    """The ``start``/``end`` of getUpdated/getDeleted, ``2026-05-01T07:25:00+00:00``."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def parse_time(text: str) -> datetime | None:
    """Salesforce's ``2026-05-01T07:25:37.000+0000`` (or ISO 8601) as an aware datetime."""
    if not text:
        return None
    value = text.strip()
    if len(value) > 5 and value[-5] in "+-" and value[-3] != ":":
        value = f"{value[:-2]}:{value[-2:]}"
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class SalesforceClient:
    """Calls to one Salesforce org.

    Args:
        instance_url: the org's API host (from the token answer).
        version: the pinned API version, e.g. ``"66.0"`` ("" for :meth:`versions` only).
        auth: the sign-in (``BearerAuth`` over a token manager).
        meter: reads ``Sforce-Limit-Info`` from every answer.
        sleep, clock, now: injectable for tests.
    """

    def __init__(
        self,
        instance_url: str,
        version: str,
        auth: WireAuth,
        *,
        session: requests.Session | None = None,
        stats: RequestStats | None = None,
        meter: UsageMeter | None = None,
        limiter: RateLimiter | None = None,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        retry: RetryPolicy = RetryPolicy(),  # noqa: B008 - frozen, safe as a default
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.instance_url = instance_url.rstrip("/")
        self.version = version
        self.meter = meter or UsageMeter(now=now)
        self._own_session = session is None
        self.session = self.meter.watch(session if session is not None else build_session())
        self.sleep = sleep
        self.now = now
        wire = WIRE.signed_by(auth, account=self.instance_url)
        common: dict[str, Any] = dict(
            session=self.session,
            stats=stats,
            timeout=timeout,
            retry=retry,
            sleep=sleep,
            clock=clock,
            now=now,
            limiter=limiter or RateLimiter(PER_SECOND, 1.0, clock=clock, sleep=sleep),
        )
        self.api = ApiSession(f"{self.instance_url}/services/data/v{version}", wire, **common)
        self.root = ApiSession(
            f"{self.instance_url}/services/data", wire, **{**common, "stats": self.api.stats}
        )
        self._describe: dict[str, dict[str, Any]] = {}

    @property
    def stats(self) -> RequestStats:
        return self.api.stats

    def close(self) -> None:
        if self._own_session:
            self.session.close()

    def __enter__(self) -> SalesforceClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def call(self, method: str, template: str, **kwargs: Any) -> Any:
        """One call below the version root; a spent sign-in says to connect to Salesforce."""
        try:
            return self.api.request(method, template, **kwargs)
        except NeedsReconnect as exc:
            raise NeedsReconnect(
                f"{SERVICE} needs you to connect again: the saved sign-in has expired or was "
                "revoked.",
                details=exc.details,
            ) from None

    # -- the org ------------------------------------------------------------------------------

    def versions(self) -> list[dict[str, Any]]:
        """``GET /services/data/``: the versions the org offers, oldest first."""
        found = self.root.get("/") or []
        return [dict(v) for v in found if isinstance(v, Mapping)]

    def identity(self, token: Mapping[str, Any]) -> dict[str, Any]:
        """Who signed in (``GET`` the token's ``id`` URL): username, organization id."""
        url = str(token.get("id") or "")
        if not url:
            return {}
        try:
            found = self.root.request("GET", "/identity", url=url)
        except RemoteError:
            return {}
        return dict(found) if isinstance(found, Mapping) else {}

    def describe(self, sobject: str) -> dict[str, Any]:
        """``GET /sobjects/{sobject}/describe`` (once per client)."""
        if sobject not in self._describe:
            self._describe[sobject] = dict(
                self.call("GET", "/sobjects/{sobject}/describe", path_params={"sobject": sobject})
                or {}
            )
        return self._describe[sobject]

    def limits(self) -> dict[str, Any]:
        return dict(self.call("GET", "/limits") or {})

    # -- reading ------------------------------------------------------------------------------

    def query(
        self, soql: str, what: str, labels: Labels = no_labels, *, all_rows: bool = False
    ) -> Iterator[dict[str, Any]]:
        """The records of a SOQL query, page by page (``/queryAll`` with ``all_rows``: the
        deleted and archived too). ``what`` names them in messages ("Contacts")."""
        template = "/queryAll" if all_rows else "/query"
        try:
            page = self.call("GET", template, params={"q": soql}) or {}
            while True:
                yield from (dict(r) for r in page.get("records") or ())
                next_url = page.get("nextRecordsUrl")
                if page.get("done", True) or not next_url:
                    return
                page = self.call("GET", f"{template}/{{locator}}", url=str(next_url)) or {}
        except RemoteError as exc:
            if exc.status == 400:
                raise query_error(exc, what, labels) from None
            raise

    def count(self, sobject: str, where: str, what: str) -> int:
        """``SELECT COUNT() FROM … WHERE …``: how many records a read would bring."""
        soql = f"SELECT COUNT() FROM {sobject}" + (f" WHERE {where}" if where else "")
        try:
            page = self.call("GET", "/query", params={"q": soql}) or {}
        except RemoteError as exc:
            if exc.status == 400:
                raise query_error(exc, what) from None
            raise
        return int(page.get("totalSize") or 0)

    def deleted(self, sobject: str, start: datetime, end: datetime) -> dict[str, Any]:
        """getDeleted: ``{"deletedRecords": [{"id", "deletedDate"}], "earliestDateAvailable",
        "latestDateCovered"}`` for whole minutes between ``start`` and ``end``."""
        return dict(
            self.call(
                "GET",
                "/sobjects/{sobject}/deleted/",
                path_params={"sobject": sobject},
                params={"start": rest_time(start), "end": rest_time(end)},
            )
            or {}
        )

    def updated(self, sobject: str, start: datetime, end: datetime) -> dict[str, Any]:
        """getUpdated: ``{"ids": [...], "latestDateCovered"}``."""
        return dict(
            self.call(
                "GET",
                "/sobjects/{sobject}/updated/",
                path_params={"sobject": sobject},
                params={"start": rest_time(start), "end": rest_time(end)},
            )
            or {}
        )

    # -- writing (sObject Collections) --------------------------------------------------------

    def create(self, records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Create up to 200 records in one call; one result per record, in order.

        ``allOrNone`` is false: each record succeeds or fails alone. A failed result has no
        ``id``. Not retried after an unclear failure (a retry could create twice).
        """
        body = {"allOrNone": False, "records": [dict(r) for r in records]}
        return _results(self.call("POST", "/composite/sobjects", json=body), len(records))

    def update(self, records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Update up to 200 records by ``Id`` in one call (safe to repeat)."""
        body = {"allOrNone": False, "records": [dict(r) for r in records]}
        return _results(
            self.call("PATCH", "/composite/sobjects", json=body, idempotent=True), len(records)
        )

    def delete(self, ids: Sequence[str]) -> list[dict[str, Any]]:
        """Delete up to 200 records (to the recycle bin, kept there 15 days)."""
        params = {"ids": ",".join(ids), "allOrNone": "false"}
        return _results(self.call("DELETE", "/composite/sobjects", params=params), len(ids))


def _results(answer: Any, count: int) -> list[dict[str, Any]]:
    """One result per record, in order; a short or odd answer is a failure for the rest."""
    items = [dict(r) if isinstance(r, Mapping) else {} for r in (answer or [])]
    missing = {"success": False, "errors": [{"message": f"{SERVICE} sent no result for it."}]}
    return (items + [dict(missing) for _ in range(count)])[:count]
