"""``sandbox bench --scenario per-contact``: what pushing one request per contact costs.

Zapier-style tools and hand-written scripts send each contact on its own
(``POST /contacts/sign_up_form``, Constant Contact's create-or-update). This pushes a sample
of the same generated contacts that way, against the emulator with its real limits (4
requests a second, 10,000 a day), and scales the figures up to the bench's full count.
"""

from __future__ import annotations

import csv
import tempfile
import time
from pathlib import Path
from typing import Any

from app.sandbox.samples import write_contacts_csv

SAMPLE = 500
DAILY_QUOTA, PER_SECOND = 10_000, 4  # Constant Contact's limits per API key

# The bench file's columns, as such a tool would map them.
_SCALARS = {"First Name": "first_name", "Last Name": "last_name", "Company": "company_name"}
_ADDRESS = {
    "Street": "street",
    "City": "city",
    "State": "state",
    "Postal Code": "postal_code",
    "Country": "country",
}


def sign_up_body(row: dict[str, str], list_id: str) -> dict[str, Any]:
    """The ``sign_up_form`` body for one row of the bench's contacts file."""
    body: dict[str, Any] = {"email_address": row["Email Address"], "list_memberships": [list_id]}
    body.update({key: row[col] for col, key in _SCALARS.items() if row.get(col)})
    if row.get("Phone"):
        body["phone_number"] = row["Phone"]
    address = {key: row[col] for col, key in _ADDRESS.items() if row.get(col)}
    if address:
        body["street_address"] = {"kind": "home", **address}
    return body


def per_contact_run(contacts: int, sample: int = SAMPLE) -> dict[str, Any]:
    """Push ``sample`` contacts one request each into a fresh sandbox; the measured figures
    and their extrapolation to ``contacts``."""
    from app.sync.bootstrap import open_service

    sample = max(1, min(sample, contacts))
    with tempfile.TemporaryDirectory(prefix="contactbridge-per-contact-") as tmp:
        home = Path(tmp)
        csv_path = write_contacts_csv(home / "bench.csv", sample)
        handle = open_service(
            sandbox=True, home=home, enforce_limits=True, with_samples=False, emulator_process=True
        )
        try:
            emu = handle.emulator_process
            assert emu is not None
            service = handle.service
            connection = service.connections.default_connection()
            assert connection is not None and connection.id is not None
            client = service.connections.cc_client(connection.id)
            list_id = client.create_list("Bench list").list_id
            with csv_path.open(newline="", encoding="utf-8") as fh:
                rows = list(csv.DictReader(fh))
            emu.reset_counts()
            started = time.perf_counter()
            for row in rows:
                client.api.post("/contacts/sign_up_form", json=sign_up_body(row, list_id))
            wall = time.perf_counter() - started
            counts = emu.request_counts()
        finally:
            handle.close()
    requests = sum(counts.values())
    scale = contacts / sample
    full_requests = round(requests * scale)
    return {
        "sample": sample,
        "sample_requests": requests,
        "sample_wall_seconds": round(wall, 1),
        "requests_by_endpoint": counts,
        "contacts": contacts,
        "requests": full_requests,
        "days_of_quota": round(full_requests / DAILY_QUOTA, 2),
        "seconds_at_limit": round(full_requests / PER_SECOND),
        "seconds_measured_pace": round(wall * scale),
    }


def compare(per_contact: dict[str, Any], first_push: dict[str, Any]) -> dict[str, Any]:
    """How many times our first push's requests and time pushing one contact a request takes."""
    ours_requests = max(1, first_push["requests_total"])
    ours_seconds = max(0.001, first_push["wall_seconds"])
    slower = max(per_contact["seconds_at_limit"], per_contact["seconds_measured_pace"])
    return {
        "first_push_requests": first_push["requests_total"],
        "first_push_wall_seconds": first_push["wall_seconds"],
        "requests_ratio": round(per_contact["requests"] / ours_requests, 1),
        "time_ratio": round(slower / ours_seconds, 1),
    }


def duration(seconds: float) -> str:
    """``42 s``, ``12.5 min`` or ``6.9 h``."""
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:,.1f} h"


def print_per_contact(per_contact: dict[str, Any], ratio: dict[str, Any] | None) -> None:
    p = per_contact
    print("\n== one request per contact (sign_up_form), as Zapier-style tools push")
    print(
        f"   sample: {p['sample']:,} contacts in {p['sample_wall_seconds']} s, "
        f"{p['sample_requests']:,} requests (4 a second, the emulator's real limit)"
    )
    for endpoint, n in sorted(p["requests_by_endpoint"].items()):
        print(f"     {n:>5}  {endpoint}")
    print(
        f"   at {p['contacts']:,} contacts: {p['requests']:,} requests, "
        f"{p['days_of_quota']:,} days of a 10,000-a-day quota, "
        f"{duration(p['seconds_at_limit'])} at 4 requests a second "
        f"({duration(p['seconds_measured_pace'])} at the sample's pace)"
    )
    if ratio is not None:
        print(
            f"   our first push of {p['contacts']:,}: {ratio['first_push_requests']:,} requests "
            f"in {ratio['first_push_wall_seconds']} s, so one request per contact takes "
            f"{ratio['requests_ratio']:,g}× the requests and {ratio['time_ratio']:,g}× the time"
        )
