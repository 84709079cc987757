"""``sandbox bench --scenario per-contact``: the one-request-per-contact push it measures
really puts each contact on the list, and its figures compare with ours as the user pays."""

from __future__ import annotations

import csv
from pathlib import Path

from app.devtools import bench
from app.devtools.bench_per_contact import compare, sign_up_body
from app.sandbox.samples import write_contacts_csv
from app.sync.bootstrap import ServiceHandle


def test_per_contact_is_a_scenario_of_its_own_and_not_run_by_default():
    assert bench.parse_scenarios("per-contact") == ("per-contact",)
    assert "per-contact" not in bench.parse_scenarios(None)


def test_each_sign_up_puts_the_contact_on_the_list_with_its_details(
    sandbox: ServiceHandle, tmp_path: Path
) -> None:
    service = sandbox.service
    client = service.connections.cc_client(service.connections.default_connection().id)
    list_id = client.create_list("Bench list").list_id
    path = write_contacts_csv(tmp_path / "bench.csv", 5)
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))

    for row in rows:
        client.api.post("/contacts/sign_up_form", json=sign_up_body(row, list_id))

    assert client.stats.by_endpoint["POST /v3/contacts/sign_up_form"] == len(rows)
    emulator = sandbox.emulator
    assert emulator is not None
    on_list = {e.lower() for e in emulator.contacts_on_list("Bench list")}
    assert on_list == {r["Email Address"].lower() for r in rows}
    first = emulator.get_contact(rows[0]["Email Address"])
    assert first["first_name"] == rows[0]["First Name"]
    assert first["street_addresses"][0]["city"] == rows[0]["City"]


def test_the_comparison_is_per_contact_over_ours():
    per_contact = {"requests": 100_000, "seconds_at_limit": 25_000, "seconds_measured_pace": 26_000}
    ours = {"requests_total": 13, "wall_seconds": 40.0}
    assert compare(per_contact, ours) == {
        "first_push_requests": 13,
        "first_push_wall_seconds": 40.0,
        "requests_ratio": round(100_000 / 13, 1),
        "time_ratio": 650.0,
    }
