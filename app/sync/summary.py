"""A run's results as one JSON-ready object, for ``sync --json`` and the benchmarks."""

from __future__ import annotations

from app.core.outcomes import RunSummary


def summary_json(summary: RunSummary, service=None) -> dict:  # type: ignore[no-untyped-def]
    """``status`` and ``counts`` always; reasons and requests when the service is given."""
    counts = summary.counts.as_dict()
    out = {
        "status": summary.status.value,
        "profile": summary.profile_name,
        "run_id": summary.run_id,
        "dry_run": summary.dry_run,
        "message": summary.message,
        "counts": counts,
    }
    if service is not None:
        results = service.run_results(summary.run_id)
        counts["matched_existing"] = sum(r.matched_existing for r in results)
        reasons: dict[str, int] = {}
        for r in results:
            if r.outcome in ("skipped", "failed") and r.reason:
                reasons[r.reason] = reasons.get(r.reason, 0) + 1
        out["reasons"] = reasons
        directions = service.runs.counts_by_direction(summary.run_id)
        if set(directions) - {"push"}:
            out["directions"] = {d: c.as_dict() for d, c in sorted(directions.items())}
        out["requests"] = dict(service.stats.by_endpoint)
    return out
