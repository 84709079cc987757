"""The ``stats`` commands: pull campaign statistics, export them (kept apart from ``cli``)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.core.campaign_stats import PullReport

EXIT_OK, EXIT_STOPPED = 0, 1
RESUME = "Run `stats pull` again to go on from where it stopped."


def add_parser(sub: Any) -> None:
    """``stats pull [--json]`` and ``stats export FILE [--campaign NAME]``."""
    s = sub.add_parser(
        "stats",
        help="pull campaign statistics from Constant Contact, or export them",
        description="Campaign statistics: who received, opened and clicked each email "
        "campaign. `pull` fetches what changed since the last pull (it resumes if stopped); "
        "`export` writes them to a .csv or .xlsx file.",
    )
    ssub = s.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = ssub.add_parser("pull", help="fetch new campaign statistics and print what was found")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    e = ssub.add_parser(
        "export", help="write the campaigns, or one campaign's people, to .csv or .xlsx"
    )
    e.add_argument("file", metavar="FILE", type=Path)
    e.add_argument("--campaign", metavar="NAME", help="one campaign's people instead")


def run(service: Any, args: argparse.Namespace, cancel_scope: Callable[[Any], Any]) -> int:
    """Run a ``stats`` command; ``cancel_scope(cancel)`` makes Ctrl+C cancel the pull."""
    if args.action == "export":
        path = service.stats.export(args.file, args.campaign)
        print(f"Wrote {path}")
        return EXIT_OK
    from app.sync.progress import CancelToken

    cancel = CancelToken()
    with cancel_scope(cancel):
        report = service.stats.pull(cancel=cancel)
    if args.json:
        print(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
    else:
        for line in report_lines(report):
            print(line)
    return EXIT_OK if report.stopped is None else EXIT_STOPPED


def report_lines(report: PullReport) -> list[str]:
    """The pull's report in words, one line each."""
    head = "Campaign statistics pulled"
    if report.stopped == "quota":
        head = "Campaign statistics: stopped at Constant Contact's daily request limit"
    elif report.stopped == "cancelled":
        head = "Campaign statistics: stopped"
    lines = [
        head,
        f"  campaigns:  {report.campaigns:,} ({report.campaigns_new:,} new)",
        f"  activities: {report.activities:,} read",
        f"  events:     {report.events_total:,} ({report.events_new:,} new)",
        f"  requests:   {report.requests:,}",
    ]
    if report.marks:
        lines.append("  high-water marks:")
        lines += [f"    {key}: {mark}" for key, mark in sorted(report.marks.items())]
    if report.stopped:
        if report.message:
            lines.append(f"  {report.message}")
        lines.append(f"  {RESUME}")
    return lines


STATS_ITEM = "Campaign statistics"


def due_item(service: Any, now: Any) -> dict[str, Any] | None:
    """``run-due``'s statistics pull: run it when its schedule says it is due, and return
    the report's item (``kind`` "stats"); None when it is not due."""
    from app.core.errors import AppError

    when = service.stats.next_pull_at(now)
    if when is None or when > now:
        return None
    item: dict[str, Any] = {
        "kind": "stats",
        "profile": STATS_ITEM,
        "schedule": service.stats.schedule().capitalize(),
    }
    try:
        report = service.stats.pull()
    except AppError as exc:
        item.update(status="error", message=exc.message)
    else:
        item.update(report.as_json())
        item["status"] = "pulled" if report.stopped is None else "stopped"
    return item


def due_line(item: dict[str, Any]) -> str:
    """The ``run-due`` line of the statistics pull's item."""
    if item["status"] == "error":
        return f"{STATS_ITEM}: failed — {item['message']}"
    words = (
        f"{item['events_new']:,} new events, {item['campaigns']:,} campaigns, "
        f"{item['requests']:,} requests"
    )
    if item["status"] == "stopped":
        return f"{STATS_ITEM}: stopped — {words}. {item.get('message') or RESUME}"
    return f"{STATS_ITEM}: pulled — {words}"
