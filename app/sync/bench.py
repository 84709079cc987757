"""``sandbox serve`` and ``sandbox bench``: the emulator on its own, and a measured large push."""

from __future__ import annotations

import json
import os
import resource
import tempfile
import time
from pathlib import Path

from app.sandbox.constant_contact import ConstantContactEmulator, serve_forever
from app.sandbox.samples import write_contacts_csv
from app.sync.progress import RecordingReporter

# Endpoints that carry contact data (reads and writes), as opposed to lists, tokens or polls.
CONTACT_DATA_PREFIXES = (
    "GET /v3/contacts",
    "POST /v3/contacts",
    "PUT /v3/contacts",
    "DELETE /v3/contacts",
    "POST /v3/activities/contacts_json_import",
    "POST /v3/activities/remove_list_memberships",
    "POST /v3/activities/add_list_memberships",
)


def serve(
    port: int = 0,
    *,
    enforce_limits: bool = True,
    state: Path | None = None,
    ready_json: bool = False,
    parent_pid: int = 0,
) -> int:
    """Run the emulator in the foreground (by default on the sandbox's own state file).

    With ``ready_json`` it prints one JSON line with its URLs instead of the human text (the
    app reads it when it runs the emulator as a child process), and with ``parent_pid`` it
    exits when that process is gone.
    """
    from app import paths

    if state is None:
        home = Path(os.environ.get("CONTACTBRIDGE_HOME") or paths.default_sandbox_home())
        state = home / "emulator" / "constant-contact.sqlite3"
    if not ready_json:
        serve_forever(state, port=port, enforce_limits=enforce_limits)
        return 0
    emulator = ConstantContactEmulator(state, enforce_limits=enforce_limits).start(port=port)
    try:
        ready = {
            "api_url": emulator.api_url,
            "auth_url": emulator.auth_url,
            "base_url": emulator.base_url,
        }
        print(json.dumps(ready), flush=True)
        while not _parent_gone(parent_pid):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()
    return 0


def _parent_gone(parent_pid: int) -> bool:
    # Re-parented (to init or a subreaper) means the app that started us has died.
    return bool(parent_pid) and os.getppid() != parent_pid


def contact_data_requests(counts: dict[str, int]) -> int:
    return sum(n for k, n in counts.items() if k.startswith(CONTACT_DATA_PREFIXES))


def bench(contacts: int, *, as_json: bool = False) -> int:
    """Push N generated contacts into a fresh sandbox, then again unchanged; print figures."""
    from app.core.profiles import SourceKind, SourceSpec, SyncProfile
    from app.sync.bootstrap import open_service
    from app.sync.summary import summary_json

    with tempfile.TemporaryDirectory(prefix="contactbridge-bench-") as tmp:
        home = Path(tmp)
        csv_path = write_contacts_csv(home / "bench.csv", contacts)
        handle = open_service(
            sandbox=True,
            home=home,
            enforce_limits=True,
            with_samples=False,
            emulator_process=True,
        )
        try:
            service = handle.service
            emu = handle.emulator_process
            assert emu is not None
            conn = service.default_connection()
            spec = SourceSpec(SourceKind.FILE, {"path": str(csv_path), "key_column": "Customer ID"})
            columns, _ = service.preview_source(spec, 1)
            profile = service.save_profile(
                SyncProfile(
                    name="Bench",
                    source=spec,
                    main_list="Bench list",
                    connection_id=conn.id,
                    mapping=service.suggest_mapping(columns),
                )
            )
            report = {"contacts": contacts, "runs": []}
            for label in ("first push", "second push, unchanged"):
                emu.reset_counts()
                started = time.perf_counter()
                summary = service.run_profile(profile.id, reporter=RecordingReporter())
                wall = time.perf_counter() - started
                peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                counts = emu.request_counts()
                report["runs"].append(
                    {
                        "run": label,
                        "status": summary.status.value,
                        "counts": summary_json(summary)["counts"],
                        "wall_seconds": round(wall, 2),
                        "process_peak_rss_mb": round(peak_kb / 1024, 1),
                        "requests_by_endpoint": counts,
                        "requests_total": sum(counts.values()),
                        "contact_data_requests": contact_data_requests(counts),
                        "import_requests": counts.get(
                            "POST /v3/activities/contacts_json_import", 0
                        ),
                    }
                )
        finally:
            handle.close()
    if as_json:
        print(json.dumps(report, indent=2))
    else:
        _print_report(report)
    return 0


def _print_report(report: dict) -> None:
    print(f"ContactBridge sandbox bench: {report['contacts']:,} contacts")
    for r in report["runs"]:
        c = r["counts"]
        print(
            f"\n== {r['run']}: {r['status']} in {r['wall_seconds']} s "
            f"(peak RSS {r['process_peak_rss_mb']} MB; the emulator runs in its own process)"
        )
        print(
            f"   created {c['created']:,}, updated {c['updated']:,}, "
            f"unchanged {c['unchanged']:,}, skipped {c['skipped']:,}, failed {c['failed']:,}"
        )
        print(
            f"   requests: {r['requests_total']} in all, {r['contact_data_requests']} for "
            f"contact data, {r['import_requests']} import requests"
        )
        for endpoint, n in sorted(r["requests_by_endpoint"].items()):
            print(f"     {n:>5}  {endpoint}")
