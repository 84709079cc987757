"""``sandbox bench --scenario salesforce`` at a small size: a service's own scenario, found
through the registry, reads the org and pushes it, then re-syncs after 1 % changed, and
meets its targets on Salesforce's and Constant Contact's requests (the real size, 100,000
Contacts, is run by hand)."""

from __future__ import annotations

import json

import pytest

from app.devtools import bench

CONTACTS = 3000


def test_salesforce_is_a_scenario_of_its_own_and_not_run_by_default() -> None:
    assert "salesforce" not in bench.DEFAULT_SCENARIOS
    assert bench.parse_scenarios("salesforce,planner") == ("planner", "salesforce")


def test_the_salesforce_bench_measures_both_runs_and_meets_its_targets(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = bench.bench(CONTACTS, as_json=True, scenarios=("salesforce",))
    report = json.loads(capsys.readouterr().out)

    assert code == 0  # every target met
    found = report["services"]["salesforce"]
    first, again = found["runs"]
    opted_out = CONTACTS // 20  # one in 20 ticked Email Opt Out: never pushed
    assert first["status"] == "completed"
    assert (first["counts"]["created"], first["counts"]["skipped"]) == (
        CONTACTS - opted_out,
        opted_out,
    )
    # The re-sync reads only the 1 % changed, and updates just those.
    assert again["counts"]["updated"] == CONTACTS // 100
    assert again["counts"]["unchanged"] == 0
    salesforce = again["requests"]["Salesforce"]
    assert salesforce.get("GET /services/data/vXX.X/sobjects/{sobject}/deleted") == 1
    assert first["requests"]["Constant Contact"]  # both services' requests are reported
    figures = {f["figure"]: f for f in report["figures"] if f["scenario"] == "salesforce"}
    assert figures["first read: Salesforce requests"]["target"] == 60
    assert figures["re-sync: Salesforce requests"]["target"] == 5
    assert all(f["met"] for f in figures.values())
