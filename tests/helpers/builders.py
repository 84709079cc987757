"""Builders of the values the fakes answer with: profiles, results and run summaries."""

from __future__ import annotations

from app.core.outcomes import Outcome, RecordResult, RunCounts, RunStatus, RunSummary
from app.core.profiles import SourceSpec, SyncProfile
from app.core.vocabulary import RunTallies


def make_results(n: int, seed: int = 0) -> tuple[RecordResult, ...]:
    """``n`` results cycling through every outcome, some matched to existing contacts."""
    outcomes = list(Outcome)
    out = []
    for i in range(n):
        outcome = outcomes[(i + seed) % len(outcomes)]
        out.append(
            RecordResult(
                row=i + 2,
                key=f"C{i:06d}",
                email=f"person{i}@example.com",
                outcome=outcome,
                reason="Missing email"
                if outcome is Outcome.SKIPPED
                else ("Constant Contact refused it" if outcome is Outcome.FAILED else ""),
                matched_existing=outcome in (Outcome.UPDATED, Outcome.UNCHANGED) and i % 2 == 0,
            )
        )
    return tuple(out)


def summary_of(
    run_id: int,
    rows: tuple[RecordResult, ...],
    *,
    name: str = "Shop customers",
    status: RunStatus = RunStatus.COMPLETED,
    dry_run: bool = False,
) -> RunSummary:
    return RunSummary(
        run_id=run_id,
        profile_name=name,
        status=status,
        counts=RunCounts.of(r.outcome for r in rows),
        dry_run=dry_run,
        extra=RunTallies.of(rows).as_extra(),  # as the engine stores them when a run ends
        message="Created 1, updated 1.",
        started_at="2026-03-02T10:00:00+00:00",
        finished_at="2026-03-02T10:01:05+00:00",
    )


def make_profile(pid: int, name: str) -> SyncProfile:
    return SyncProfile(
        name=name,
        source=SourceSpec("file", {"path": f"/data/{name.lower()}.csv"}),
        main_list="Newsletter",
        connection_id=1,
        id=pid,
    )
