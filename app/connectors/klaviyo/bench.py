"""``sandbox bench --scenario klaviyo``: a Constant Contact account moved into Klaviyo.

The sandbox's Constant Contact gets N contacts on one list and two campaigns sent to them five
days ago (so every tracking report is settled): together about 3 × N received, opened and
clicked emails, a few opt-outs and hard bounces among them. A migration profile brings the
list into the sandbox's Klaviyo; the first run and an unchanged re-run are measured, and
their Klaviyo and Constant Contact requests printed.

Targets (issue 15), at 100,000 contacts: the profiles go in at most 11 import jobs (one per
10,000, plus the opted-out, who join no list: ⌈N ÷ 10,000⌉ + 1 at any size); events take at
most 1.1 × (events ÷ 1,000) requests (at a small size, no fewer than the jobs it takes); the
unchanged re-run makes no write to Klaviyo.

The scenario is handed the open sandbox by the bench (``SandboxSpec.bench``) and reaches it
only through that handle, so this folder imports nothing of the app's higher layers.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from app.connectors.klaviyo.activity import METRICS, SERVICE
from app.connectors.klaviyo.connector import KIND, migration_profile, sample_options

LIST = "Bench newsletter"
OPEN_RATE, CLICK_RATE = 0.25, 0.1  # two campaigns of sends, opens and clicks: about 3 × N
IMPORTS = "POST /api/profile-bulk-import-jobs"
EVENTS = "POST /api/event-bulk-create-jobs"
PER_JOB = 10_000


def bench(handle: Any, contacts: int) -> Mapping[str, Any]:
    """Seed, migrate, migrate again unchanged; the runs and the figures."""
    service, cc, kl = handle.service, handle.emulator, handle.emulators[KIND]
    assert cc is not None, "the bench runs Constant Contact's emulator in this process"
    started = time.perf_counter()
    sent_at = cc.campaign_now() - timedelta(days=5)
    cc.seed_campaign(
        "Bench spring menu",
        [LIST],
        sends=contacts,
        open_rate=OPEN_RATE,
        click_rate=CLICK_RATE,
        sent_at=sent_at,
        rng_seed=1,
    )
    cc.seed_campaign(
        "Bench summer menu",
        [LIST],
        open_rate=OPEN_RATE,
        click_rate=CLICK_RATE,
        sent_at=sent_at + timedelta(hours=1),
        rng_seed=2,
    )
    seeded = time.perf_counter() - started
    cc_conn = service.connections.default_connection()
    kl_conn = service.connections.connect_source(KIND, "Bench Klaviyo", options=sample_options())
    list_id = cc.list_id(LIST)
    profile = service.profiles.save(
        migration_profile("Bench migration", cc_conn.id, kl_conn.id, list_ids=[str(list_id)])
    )
    first = _measured(service, profile.saved_id, cc, kl, "first migration")
    events = sum(kl.event_counts(integration=SERVICE).get(m, 0) for m in METRICS.values())
    again = _measured(service, profile.saved_id, cc, kl, "unchanged re-run")
    by_metric = sorted(kl.event_counts(integration=SERVICE).items())
    first["notes"] = [
        f"seeded {contacts:,} contacts and two campaigns in {seeded:.1f} s",
        f"{kl.profile_count():,} Klaviyo profiles, {events:,} campaign events "
        f"({', '.join(f'{k} {n:,}' for k, n in by_metric)})",
        f"consent: {kl.consent_counts()}, suppressed: {len(kl.suppressions()):,}",
        first["message"],
    ]
    kl_first, kl_again = first["requests"]["Klaviyo"], again["requests"]["Klaviyo"]
    cc_first = first["requests"]["Constant Contact"]
    writes_again = sum(n for k, n in kl_again.items() if not k.startswith("GET "))
    return {
        "contacts": contacts,
        "events": events,
        "runs": [first, again],
        "figures": [
            ("profile import jobs", kl_first.get(IMPORTS, 0), math.ceil(contacts / PER_JOB) + 1),
            ("event requests", kl_first.get(EVENTS, 0), event_target(events)),
            ("events copied", events, None),
            ("first run: Klaviyo requests", sum(kl_first.values()), None),
            ("first run: Constant Contact requests", sum(cc_first.values()), None),
            ("first run: wall time (s)", first["wall_seconds"], None),
            ("unchanged re-run: Klaviyo writes", writes_again, 0),
            ("unchanged re-run: Klaviyo requests", sum(kl_again.values()), None),
        ],
    }


def event_target(events: int) -> float:
    """1.1 × (events ÷ 1,000), and never under the fewest jobs that can carry them (a small
    bench's last partial job)."""
    return max(math.ceil(events / 1000), round(1.1 * events / 1000, 1))


def _measured(service: Any, profile_id: int, cc: Any, kl: Any, label: str) -> dict[str, Any]:
    cc.reset_counts()
    kl.reset_counts()
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
        "requests": {"Klaviyo": kl.request_counts(), "Constant Contact": cc.request_counts()},
    }
