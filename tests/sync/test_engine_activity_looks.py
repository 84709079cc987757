"""A run's imports are looked at seldom: each look at Constant Contact's activities is a
request of the 10,000 a day, like the imports themselves."""

from __future__ import annotations

import pytest

from app.core.outcomes import RunStatus
from app.sync import engine
from app.sync.engine import IMPORT
from tests.sync.conftest import IMPORT_KEY, Bakery, PhaseReporter


def looks(bakery: Bakery) -> int:
    """Requests that looked at activities, as the service's clients counted them."""
    counts = bakery.service.request_stats.by_endpoint
    return sum(n for k, n in counts.items() if k.startswith("GET /v3/activities"))


def test_four_imports_are_looked_at_a_few_times_and_the_progress_reaches_the_end(
    bakery: Bakery, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = engine.ChunkAssigner
    monkeypatch.setattr(engine, "ChunkAssigner", lambda: real(max_count=60))  # 4 imports
    reporter = PhaseReporter()

    summary = bakery.run(reporter=reporter)

    assert summary.status is RunStatus.COMPLETED
    assert summary.counts.created + summary.counts.updated == 239
    assert bakery.requests(IMPORT_KEY) == 4
    assert looks(bakery) <= 3  # polling each import on a fixed beat took 8 or more
    progress = [(done, total) for phase, done, total in reporter.advances if phase == IMPORT]
    assert [d for d, _ in progress] == sorted(d for d, _ in progress)
    assert progress[-1] == (239, 239)


def test_a_small_import_is_seen_finished_by_the_first_look(bakery: Bakery) -> None:
    bakery.run()
    assert looks(bakery) == 1
