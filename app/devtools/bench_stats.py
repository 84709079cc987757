"""``sandbox bench --scenario stats``: what a statistics pull costs, first and incremental.

A fresh sandbox gets one campaign with N sends and 30 % opens (the emulator's
``seed_campaign``); the first pull is timed and its requests counted. Then 1 % of the sends
gain new activity (``add_campaign_activity``) and an incremental pull is measured.

Targets (issue 12):
- the first pull's tracking-report requests are at most 1.2 × the minimum pages (each
  report's rows ÷ 500, rounded up, at least one page a report, summed);
- the incremental pull makes at most 2 requests to each report that has new rows.

The pulls' other requests (the campaign list, the campaign, the summaries) are shown too,
without a target: a few a pull, whatever the size.
"""

from __future__ import annotations

import math
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from app.connectors.campaign_reports import PAGE

NEW_ACTIVITY = 0.01  # the share of sends that gain activity before the incremental pull
OPEN_RATE = 0.3
FIRST_RATIO, INCREMENTAL_PER_REPORT = 1.2, 2
TRACKING = "/tracking/"


def _report_of(endpoint: str) -> str | None:
    """``GET /v3/reports/email_reports/{id}/tracking/opens`` -> "opens"."""
    if TRACKING not in endpoint:
        return None
    return endpoint.rsplit("/", 1)[-1]


def _rows_by_report(service: Any) -> Counter[str]:
    """The events kept, by the report they came from (one campaign, one activity)."""
    from app.core.campaign_stats import REPORT_OF_KIND
    from app.store.db import db

    rows = db.execute_sql('SELECT kind, COUNT(*) FROM "campaign_event" GROUP BY kind').fetchall()
    return Counter({REPORT_OF_KIND[kind]: int(n) for kind, n in rows})


def minimum_pages(rows: Counter[str], reports: list[str]) -> int:
    """Each report read needs its rows ÷ 500 pages (at least one, to learn it is empty)."""
    return sum(max(1, math.ceil(rows.get(r, 0) / PAGE)) for r in reports)


def stats_run(sends: int) -> dict[str, Any]:
    """Seed, pull, add 1 % activity, pull again; the measured runs and the figures."""
    from app.sync.bootstrap import open_service

    with tempfile.TemporaryDirectory(prefix="contactbridge-bench-stats-") as tmp:
        handle = open_service(sandbox=True, home=Path(tmp), enforce_limits=True, with_samples=False)
        try:
            emu = handle.emulator
            assert emu is not None, "the stats bench runs the emulator in this process"
            service = handle.service
            started = time.perf_counter()
            campaign_id = emu.seed_campaign("Bench campaign", [], sends=sends, open_rate=OPEN_RATE)
            seeded = time.perf_counter() - started
            first = _measured_pull(service, emu)
            first_rows = _rows_by_report(service)
            added = emu.add_campaign_activity(campaign_id, NEW_ACTIVITY)
            second = _measured_pull(service, emu)
            new_rows = _rows_by_report(service) - first_rows
        finally:
            handle.close()
    read = sorted(first["by_report"])
    minimum = minimum_pages(first_rows, read)
    first_pages = sum(first["by_report"].values())
    with_new = sorted(r for r in new_rows if new_rows[r] > 0)
    pages_with_new = sum(second["by_report"].get(r, 0) for r in with_new)
    return {
        "sends": sends,
        "seed_seconds": round(seeded, 2),
        "new_activity_rows": added,
        "runs": [dict(first, run="first pull"), dict(second, run="incremental pull")],
        "rows_by_report": dict(first_rows),
        "new_rows_by_report": dict(new_rows),
        "minimum_pages": minimum,
        "figures": [
            ("first pull: tracking-report requests", first_pages, FIRST_RATIO * minimum),
            ("first pull: requests in all", first["requests"], None),
            ("first pull: wall time (s)", first["wall_seconds"], None),
            (
                "incremental: requests, reports with new rows",
                pages_with_new,
                INCREMENTAL_PER_REPORT * len(with_new),
            ),
            ("incremental: requests in all", second["requests"], None),
            ("incremental: wall time (s)", second["wall_seconds"], None),
        ],
    }


def _measured_pull(service: Any, emu: Any) -> dict[str, Any]:
    emu.reset_counts()
    started = time.perf_counter()
    report = service.stats.pull()
    wall = time.perf_counter() - started
    counts: dict[str, int] = emu.request_counts()
    by_report: Counter[str] = Counter()
    for endpoint, n in counts.items():
        name = _report_of(endpoint)
        if name is not None:
            by_report[name] += n
    return {
        "wall_seconds": round(wall, 2),
        "requests": report.requests,
        "events_new": report.events_new,
        "events_total": report.events_total,
        "stopped": report.stopped,
        "requests_by_endpoint": counts,
        "by_report": dict(by_report),
    }


def print_stats(stats: dict[str, Any]) -> None:
    """The stats scenario's runs, for the bench's text report."""
    print(
        f"\n== campaign statistics: one campaign sent to {stats['sends']:,} "
        f"(seeded in {stats['seed_seconds']} s)"
    )
    rows = ", ".join(f"{r} {n:,}" for r, n in sorted(stats["rows_by_report"].items()))
    print(f"   rows by report: {rows}; minimum pages {stats['minimum_pages']}")
    for run in stats["runs"]:
        pages = ", ".join(f"{r} {n}" for r, n in sorted(run["by_report"].items()))
        print(
            f"   {run['run']}: {run['requests']} requests in {run['wall_seconds']} s, "
            f"{run['events_new']:,} new events ({run['events_total']:,} kept); pages: {pages}"
        )
    new = ", ".join(f"{r} {n:,}" for r, n in sorted(stats["new_rows_by_report"].items()) if n)
    print(f"   new rows before the incremental pull: {new or 'none'}")
