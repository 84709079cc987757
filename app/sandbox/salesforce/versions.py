"""API versions (``/services/data``), the resources of one version, and ``/limits``.

A 2026 org lists 31.0 "Summer '14" to 66.0 "Spring '26", oldest first; 30.0 and older are
retired and answer 410.
"""

from __future__ import annotations

from typing import Any

from app.sandbox.salesforce import store as records
from app.sandbox.salesforce.calls import Call, Env
from app.sandbox.salesforce.errors import SfError, not_found
from app.sandbox.wire import Reply

OLDEST, NEWEST = 31, 66
LATEST = f"{NEWEST}.0"
_SEASONS = ("Spring", "Summer", "Winter")


def label(major: int) -> str:
    """31 → "Summer '14", 32 → "Winter '15", 66 → "Spring '26"."""
    step = major - 31  # Summer '14
    season = _SEASONS[(step + 1) % 3]
    year = 14 + (step + 2) // 3
    return f"{season} '{year:02d}"


def versions() -> list[dict[str, str]]:
    return [
        {"label": label(m), "url": f"/services/data/v{m}.0", "version": f"{m}.0"}
        for m in range(OLDEST, NEWEST + 1)
    ]


def check(version: str) -> None:
    """Refuse a version the org does not serve: 410 when retired, 404 when unknown."""
    try:
        major = float(version)
    except ValueError:
        raise not_found() from None
    if major < OLDEST:
        raise SfError(410, "API_VERSION_RETIRED", f"API version {version} is retired")
    if major > NEWEST or not float(major).is_integer():
        raise not_found()


def resources(env: Env, call: Call) -> Reply:
    names = (
        "composite",
        "jobs",
        "limits",
        "query",
        "queryAll",
        "sobjects",
        "search",
        "tooling",
        "recent",
        "analytics",
    )
    return Reply(200, {name: f"{call.base}/{name}" for name in names})


def limits(env: Env, call: Call) -> Reply:
    usage = env.usage
    allowance = usage.daily_limit
    body: dict[str, Any] = {
        "DailyApiRequests": {"Max": allowance, "Remaining": max(0, allowance - usage.used())},
        "DailyBulkApiBatches": {"Max": 15000, "Remaining": 15000},
        "DailyBulkV2QueryFileStorageMB": {"Max": 976562, "Remaining": 976562},
        "DailyBulkV2QueryJobs": {"Max": 10000, "Remaining": 10000},
        "DataStorageMB": {"Max": 5, "Remaining": 5},
    }
    return Reply(200, body)


def record_count(env: Env, call: Call) -> Reply:
    wanted = [n for n in call.request.args.get("sObjects", "").split(",") if n]
    names = [o.name for o in env.org.objects().values()]
    chosen = [n for n in names if not wanted or n in wanted]
    with env.org.state.tx() as conn:
        counts = [{"count": records.count(conn, n), "name": n} for n in chosen]
    return Reply(200, {"sObjects": counts})
