"""``sandbox bench --scenario klaviyo`` at a small size: a service's own scenario, found
through the registry, measures the first migration and an unchanged re-run and meets its
targets (the real size, 100,000 contacts with about 300,000 events, is run by hand)."""

from __future__ import annotations

import json
import math

import pytest

from app.devtools import bench

CONTACTS = 1500


def test_klaviyo_is_a_scenario_of_its_own_and_not_run_by_default() -> None:
    assert "klaviyo" not in bench.DEFAULT_SCENARIOS
    assert bench.parse_scenarios("klaviyo,planner") == ("planner", "klaviyo")
    with pytest.raises(ValueError, match="klaviyo"):  # the choices name it
        bench.parse_scenarios("nope")


def test_the_klaviyo_bench_measures_both_runs_and_meets_its_targets(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = bench.bench(CONTACTS, as_json=True, scenarios=("klaviyo",))
    report = json.loads(capsys.readouterr().out)

    assert code == 0  # every target met
    found = report["services"]["klaviyo"]
    first, again = found["runs"]
    assert first["counts"]["created"] == CONTACTS and first["status"] == "completed"
    assert again["counts"]["unchanged"] == CONTACTS
    assert 2.5 * CONTACTS <= found["events"] <= 3.5 * CONTACTS  # about 3 events a contact
    klaviyo = first["requests"]["Klaviyo"]
    assert klaviyo["POST /api/profile-bulk-import-jobs"] <= math.ceil(CONTACTS / 10_000) + 1
    assert klaviyo["POST /api/event-bulk-create-jobs"] == math.ceil(found["events"] / 1000)
    assert first["requests"]["Constant Contact"]  # both services' requests are reported
    assert not [k for k in again["requests"]["Klaviyo"] if not k.startswith("GET ")]
    figures = [f for f in report["figures"] if f["scenario"] == "klaviyo"]
    assert (
        all(f["met"] for f in figures) and sum(1 for f in figures if f["target"] is not None) == 3
    )


def test_the_text_report_prints_both_services_requests(capsys: pytest.CaptureFixture[str]) -> None:
    found = {
        "runs": [
            {
                "run": "unchanged re-run",
                "status": "completed",
                "wall_seconds": 1.0,
                "counts": {"created": 0, "updated": 0, "unchanged": 3, "skipped": 0, "failed": 0},
                "requests": {"Klaviyo": {"GET /api/lists": 1}, "Constant Contact": {}},
            }
        ]
    }
    bench.print_service_run("klaviyo", found)
    out = capsys.readouterr().out
    assert "== klaviyo: unchanged re-run: completed in 1.0 s" in out
    assert "Klaviyo: 1 requests (0 writes)" in out and "Constant Contact: 0 requests" in out
