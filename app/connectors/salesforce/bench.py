"""``sandbox bench --scenario salesforce``: N Salesforce Contacts read and pushed, then a re-sync
after 1 % of them changed.

The sandbox's practice org gets N Contacts (names, mailing addresses, one in 20 opted out of
email), last changed an hour ago, and a profile syncs them into a new Constant Contact list,
as the sample profile does (opt-outs unsubscribe, Constant Contact unsubscribes tick Email
Opt Out). The first run reads
the org whole (a Bulk API 2.0 query job above 5,000 records), the re-sync reads only what
changed since (SOQL on ``SystemModstamp``, and getDeleted). Each run's Salesforce and
Constant Contact requests are printed by endpoint.

Targets (issue 13): the first read takes at most 60 Salesforce requests and the re-sync at
most 5; Constant Contact's as for a file (a first push of 100,000 contacts in at most 15
requests, 8 of them with contact data; a 1 % re-sync in at most 5 contact-data requests).

The scenario is handed the open sandbox by the bench (``SandboxSpec.bench``) and reaches it
only through that handle, so this folder imports nothing of the app's higher layers.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Mapping
from typing import Any

from app.connectors.salesforce.account import KIND
from app.connectors.salesforce.wire import SERVICE
from app.core.profiles import OptOutHandling, SourceSpec, SyncOptions, SyncProfile
from app.core.transforms import StateFormat

LIST = "Bench newsletter"
CHANGED_EVERY = 100  # 1 %
# The contacts were last changed this long before the bench: a read of the changes since the
# first run (less its few minutes of overlap) does not find them all again.
SEEDED_HOURS_AGO = 1
SF_FIRST, SF_RESYNC = 60, 5
CC_FIRST, CC_FIRST_DATA, CC_RESYNC_DATA = 15, 8, 5
# Constant Contact endpoints that carry contact data (as the file bench counts them).
CONTACT_DATA = (
    "GET /v3/contacts",
    "POST /v3/contacts",
    "PUT /v3/contacts",
    "DELETE /v3/contacts",
    "POST /v3/activities/contacts_json_import",
    "POST /v3/activities/remove_list_memberships",
    "POST /v3/activities/add_list_memberships",
)


def contact_data(counts: Mapping[str, int]) -> int:
    return sum(n for k, n in counts.items() if k.startswith(CONTACT_DATA))


def salesforce_api(counts: Mapping[str, int]) -> dict[str, int]:
    """Requests to the org's API (sign-in pages and token calls are not API requests)."""
    return {k: n for k, n in counts.items() if "/services/data" in k}


def _sign_in(handle: Any) -> int:
    """Connect to the practice org as a user would (the sandbox's browser stand-in)."""
    sf = handle.emulators[KIND]
    sample = importlib.import_module("app.sandbox.salesforce").sample_connection()
    sf.add_user(sample["username"], sample["password"], security_token=sample["security_token"])
    sf.set_sample_login("login", sample["username"], sample["password"])
    sf.register_app(sample["consumer_key"])
    conn = handle.service.connections.connect_source(
        KIND, "Bench Salesforce", options={"auth": "browser"}
    )
    return int(conn.id)


def bench(handle: Any, contacts: int) -> Mapping[str, Any]:
    """Seed, sync, change 1 %, sync again; the runs and the figures."""
    service, cc, sf = handle.service, handle.emulator, handle.emulators[KIND]
    assert cc is not None, "the bench runs Constant Contact's emulator in this process"
    started = time.perf_counter()
    sf.advance(hours=-SEEDED_HOURS_AGO)  # an org's records were last changed a while ago
    try:
        ids = sf.seed_contacts(contacts)
    finally:
        sf.advance(hours=SEEDED_HOURS_AGO)
    seeded = time.perf_counter() - started
    sf_conn = _sign_in(handle)
    cc_conn = service.connections.default_connection()
    settings = {"connection_id": sf_conn, "object_type": "Contact"}
    columns, _rows = service.profiles.preview_source(SourceSpec(KIND, settings), 1)
    profile = service.profiles.save(
        SyncProfile(
            name="Bench Salesforce contacts",
            source=SourceSpec(KIND, settings),
            main_list=LIST,
            connection_id=cc_conn.id,
            options=SyncOptions(
                opt_out_handling=OptOutHandling.UNSUBSCRIBE,
                optout_to_source=True,
                state_format=StateFormat.CODE,
            ),
            mapping=service.profiles.suggest_mapping(columns),
        )
    )
    first = _measured(service, profile.saved_id, cc, sf, "first read and push")
    changed = ids[1::CHANGED_EVERY]  # not the opted-out ones (every 20th from the first)
    sf.change_records(changed, Title="Head of Purchasing")
    again = _measured(service, profile.saved_id, cc, sf, "re-sync, 1 % changed")
    first["notes"] = [
        f"seeded {contacts:,} Salesforce contacts in {seeded:.1f} s",
        first["message"],
    ]
    again["notes"] = [f"changed {len(changed):,} contacts' title", again["message"]]
    sf_first = first["requests"][SERVICE]
    sf_again = again["requests"][SERVICE]
    cc_first = first["requests"]["Constant Contact"]
    cc_again = again["requests"]["Constant Contact"]
    return {
        "contacts": contacts,
        "runs": [first, again],
        "figures": [
            ("first read: Salesforce requests", sum(sf_first.values()), SF_FIRST),
            ("first push: Constant Contact requests", sum(cc_first.values()), CC_FIRST),
            (
                "first push: Constant Contact contact-data requests",
                contact_data(cc_first),
                CC_FIRST_DATA,
            ),
            ("first run: wall time (s)", first["wall_seconds"], None),
            ("re-sync: Salesforce requests", sum(sf_again.values()), SF_RESYNC),
            (
                "re-sync: Constant Contact contact-data requests",
                contact_data(cc_again),
                CC_RESYNC_DATA,
            ),
            ("re-sync: Constant Contact requests", sum(cc_again.values()), None),
            ("re-sync: contacts updated", again["counts"]["updated"], None),
            ("re-sync: wall time (s)", again["wall_seconds"], None),
        ],
    }


def _measured(service: Any, profile_id: int, cc: Any, sf: Any, label: str) -> dict[str, Any]:
    cc.reset_counts()
    sf.reset_counts()
    started = time.perf_counter()
    summary = service.runs.sync(profile_id)
    wall = time.perf_counter() - started
    counts = summary.counts
    return {
        "run": label,
        "status": summary.status.value,
        "wall_seconds": round(wall, 2),
        "message": summary.message,
        "counts": {
            "created": counts.created,
            "updated": counts.updated,
            "unchanged": counts.unchanged,
            "skipped": counts.skipped,
            "failed": counts.failed,
        },
        "requests": {
            SERVICE: salesforce_api(sf.request_counts()),
            "Constant Contact": cc.request_counts(),
        },
    }
