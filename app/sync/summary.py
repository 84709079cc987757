"""A run's results as one JSON-ready object, for ``sync --json`` and the benchmarks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.core.outcomes import RunSummary
from app.core.vocabulary import RunTallies

if TYPE_CHECKING:
    from app.sync.service import ContactBridgeService


def summary_json(
    summary: RunSummary, service: ContactBridgeService | None = None
) -> dict[str, Any]:
    """``status``, ``counts`` and ``directions`` always; reasons and requests when the
    service is given.

    ``directions`` splits the run by which way each record went, in the vocabulary of
    ``app.core.vocabulary``: ``to_constant_contact`` (``total``, ``created``, ``matched``,
    ``updated``, ``unchanged``, ``unsubscribed``, ``removed``, ``skipped``,
    ``failed_subscriptions`` (of skipped), ``failed``) and ``to_source`` (``total``,
    ``created``, ``matched``, ``updated``, ``unchanged``, ``opted_out``, ``opt_out_cleared``,
    ``skipped``, ``failed``). The two totals add up to ``counts.total``.
    """
    counts = summary.counts.as_dict()
    tallies = RunTallies.of_summary(summary)
    if service is not None:
        tallies = service.store.runs.tallies(summary.run_id)
        counts["matched_existing"] = tallies.matched
    out: dict[str, Any] = {
        "status": summary.status.value,
        "profile": summary.profile_name,
        "run_id": summary.run_id,
        "dry_run": summary.dry_run,
        "message": summary.message,
        "counts": counts,
        "directions": tallies.as_json(),
    }
    if service is not None:
        reasons: dict[str, int] = {}
        for r in service.store.runs.iter_results(summary.run_id):
            if r.outcome in ("skipped", "failed") and r.reason:
                reasons[r.reason] = reasons.get(r.reason, 0) + 1
        out["reasons"] = reasons
        out["requests"] = dict(service.request_stats.by_endpoint)
    return out
