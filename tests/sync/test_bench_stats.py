"""``sandbox bench --scenario stats`` at a small size: it measures both pulls and meets its
targets (the real size, 100,000 sends, is run by hand)."""

from __future__ import annotations

import json

import pytest

from app.devtools import bench
from app.devtools.bench_stats import minimum_pages


def test_stats_is_a_scenario_of_its_own_and_not_run_by_default() -> None:
    assert "stats" not in bench.DEFAULT_SCENARIOS
    assert bench.parse_scenarios("stats") == ("stats",)


def test_minimum_pages_count_a_page_for_an_empty_report() -> None:
    from collections import Counter

    rows = Counter({"sends": 1000, "opens": 501})
    assert minimum_pages(rows, ["sends", "opens", "forwards"]) == 2 + 2 + 1


def test_the_stats_bench_measures_the_first_and_the_incremental_pull(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = bench.bench(2000, as_json=True, scenarios=("stats",))
    report = json.loads(capsys.readouterr().out)

    assert code == 0  # every target met
    stats = report["stats"]
    first, incremental = stats["runs"]
    assert stats["rows_by_report"]["sends"] == 2000
    assert stats["rows_by_report"]["opens"] >= 600  # 30 % opened, some more than once
    assert first["events_new"] == sum(stats["rows_by_report"].values())
    assert sum(first["by_report"].values()) <= 1.2 * stats["minimum_pages"]
    assert incremental["events_new"] == stats["new_activity_rows"] > 0
    new = [r for r, n in stats["new_rows_by_report"].items() if n > 0]
    assert sum(incremental["by_report"].get(r, 0) for r in new) <= 2 * len(new)
    assert set(incremental["by_report"]) <= set(new)  # reports without new rows: not read
    figures = [f for f in report["figures"] if f["scenario"] == "stats"]
    assert all(f["met"] for f in figures) and any(f["target"] for f in figures)
