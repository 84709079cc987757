"""``sandbox bench``: measured scenarios of large pushes against the emulator.

Scenarios: ``first`` and ``unchanged`` pushes, ``resync1pct`` (1% of rows edited between
runs), ``planner`` (the pure planner over 100,000 records: time, then peak memory under
tracemalloc), ``stream1m`` (a dry run over 1,000,000 rows in a child process: peak RSS) and
``per-contact`` (the same contacts pushed one request each, on a sample, scaled up and
compared with our first push) and ``stats`` (campaign statistics pulls of a campaign sent to
N contacts: ``app.devtools.bench_stats``). A service may bring its own scenario, named after
its kind (``SandboxSpec.bench``): it runs in a fresh sandbox with the rate limits on, and
prints each run's requests by service and endpoint, and its figures with their targets.
"""

from __future__ import annotations

import csv
import json
import math
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.sandbox.samples import write_contacts_csv
from app.sync.progress import RecordingReporter

_ACTION = attrgetter("action")  # a plan's action

if TYPE_CHECKING:  # imported where used, so the command starts fast
    from app.connectors.csv_file import FileSource
    from app.core.profiles import SyncOptions, SyncProfile
    from app.core.store_types import Connection
    from app.sync.planner import LinkInfo, RemoteInfo
    from app.sync.service import ContactBridgeService

SCENARIOS = ("first", "unchanged", "resync1pct", "planner", "stream1m", "per-contact", "stats")
# stream1m is big, per-contact slow (4 requests a second) and stats another subject: opt in
DEFAULT_SCENARIOS = ("first", "unchanged", "resync1pct", "planner")
PUSH_SCENARIOS = frozenset({"first", "unchanged", "resync1pct"})
RUN_LABELS = {
    "first": "first push",
    "unchanged": "second push, unchanged",
    "resync1pct": "re-sync with 1% of rows changed",
}
PLANNER_RECORDS, STREAM_RECORDS = 100_000, 1_000_000
# Targets: contact-data requests of a 1% re-sync; planner seconds and MB; 1M-row stream MB.
RESYNC_REQUESTS, PLANNER_SECONDS, PLANNER_MB, STREAM_MB = 5, 1.0, 400, 1024
# Targets of a first push of TARGET_CONTACTS: requests in all, and for contact data.
TARGET_CONTACTS, FIRST_REQUESTS, FIRST_DATA_REQUESTS = 100_000, 15, 8
LOOK_PREFIX = "GET /v3/activities"  # a look at bulk activities: one, or the recent ones
IMPORT_ENDPOINT = "POST /v3/activities/contacts_json_import"

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


def _peak_rss_kb() -> int:
    """This process's peak resident memory in KiB (Linux; macOS reports bytes)."""
    import resource  # Unix only: imported here so the module imports on Windows

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak


def edit_rows(path: Path, every: int) -> int:
    """Change the company of every ``every``-th row of a CSV in place, as a user would."""
    edited = path.with_suffix(".edited.csv")
    changed = 0
    with (
        path.open(newline="", encoding="utf-8") as src,
        edited.open("w", newline="", encoding="utf-8") as out,
    ):
        reader, writer = csv.reader(src), csv.writer(out)
        header = next(reader)
        writer.writerow(header)
        company = header.index("Company")
        for n, row in enumerate(reader, start=1):
            if n % every == 0:
                row[company] = f"Edited {n} Ltd"
                changed += 1
            writer.writerow(row)
    edited.replace(path)
    return changed


def contact_data_requests(counts: dict[str, int]) -> int:
    return sum(n for k, n in counts.items() if k.startswith(CONTACT_DATA_PREFIXES))


def activity_looks(counts: dict[str, int]) -> int:
    """Requests that looked at bulk activities (polls)."""
    return sum(n for k, n in counts.items() if k.startswith(LOOK_PREFIX))


def service_scenarios() -> dict[str, Any]:
    """The services that bring a scenario of their own, by kind (``SandboxSpec.bench``)."""
    from app.connectors import registry

    return {c.kind: c for c in registry.CONNECTORS if c.sandbox.bench is not None}


def parse_scenarios(text: str | None) -> tuple[str, ...]:
    """``"first,planner"`` -> the scenarios in run order; None or blank -> the default set.

    Raises:
        ValueError: a name that is not a scenario.
    """
    if not text or not text.strip():
        return DEFAULT_SCENARIOS
    known = (*SCENARIOS, *service_scenarios())
    names = {n.strip().lower() for n in text.split(",") if n.strip()}
    unknown = names - set(known)
    if unknown:
        raise ValueError(
            f"Unknown scenario {', '.join(sorted(unknown))}; choose from {', '.join(known)}."
        )
    return tuple(n for n in known if n in names)


def bench(
    contacts: int, *, as_json: bool = False, scenarios: tuple[str, ...] = DEFAULT_SCENARIOS
) -> int:
    """Run the chosen scenarios (see ``SCENARIOS``) and print their figures with targets.

    The push scenarios share one fresh sandbox: N generated contacts pushed, pushed again
    unchanged, then again with 1% of the rows edited. ``first`` runs whenever a later push
    scenario needs it, but is only reported when chosen.
    """
    report: dict = {"contacts": contacts, "scenarios": list(scenarios), "runs": [], "figures": []}
    first_push: dict | None = None
    if PUSH_SCENARIOS & set(scenarios) or "per-contact" in scenarios:
        first_push = _push_scenarios(contacts, scenarios, report)
    if "per-contact" in scenarios:
        from app.devtools.bench_per_contact import compare, per_contact_run

        per_contact = report["per_contact"] = per_contact_run(contacts)
        report["figures"] += [
            _figure("per-contact", f"requests for {contacts:,}", per_contact["requests"], "", None),
            _figure("per-contact", "days of quota", per_contact["days_of_quota"], "", None),
        ]
        if first_push is not None:
            compared = per_contact["compared"] = compare(per_contact, first_push)
            report["figures"] += [
                _figure(
                    "per-contact",
                    "× our first push's requests",
                    compared["requests_ratio"],
                    "",
                    None,
                ),
                _figure("per-contact", "× our first push's time", compared["time_ratio"], "", None),
            ]
    if "stats" in scenarios:
        from app.devtools.bench_stats import stats_run

        stats = report["stats"] = stats_run(contacts)
        report["figures"] += [
            _figure("stats", name, value, "", target) for name, value, target in stats["figures"]
        ]
    for kind, connector in service_scenarios().items():
        if kind in scenarios:
            found = report.setdefault("services", {})[kind] = service_run(connector, contacts)
            report["figures"] += [
                _figure(kind, name, value, "", target) for name, value, target in found["figures"]
            ]
    if "planner" in scenarios:
        report["figures"] += planner_figures(PLANNER_RECORDS)
    if "stream1m" in scenarios:
        report["figures"] += stream_figures(STREAM_RECORDS)
    if as_json:
        print(json.dumps(report, indent=2))
    else:
        _print_report(report)
    return 0 if all(f["met"] for f in report["figures"]) else 1


def _push_scenarios(contacts: int, scenarios: tuple[str, ...], report: dict) -> dict | None:
    """Run the push scenarios (the first push always); the first push's figures."""
    from app.connectors.registry import file_spec
    from app.core.profiles import SyncProfile
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
            conn = sandbox_connection(service)
            spec = file_spec(csv_path, "Customer ID")
            columns, _ = service.profiles.preview_source(spec, 1)
            profile = service.profiles.save(
                SyncProfile(
                    name="Bench",
                    source=spec,
                    main_list="Bench list",
                    connection_id=conn.id,
                    mapping=service.profiles.suggest_mapping(columns),
                )
            )
            wanted = [k for k in ("first", "unchanged", "resync1pct") if k in scenarios]
            runs = ["first", *(k for k in wanted if k != "first")]
            first_push: dict | None = None
            for key in runs:
                label = RUN_LABELS[key]
                if key == "resync1pct":
                    edit_rows(csv_path, every=100)
                emu.reset_counts()
                started = time.perf_counter()
                summary = service.runs.sync(profile.saved_id, reporter=RecordingReporter())
                wall = time.perf_counter() - started
                peak_kb = _peak_rss_kb()
                counts = emu.request_counts()
                data_requests = contact_data_requests(counts)
                imports, looks = counts.get(IMPORT_ENDPOINT, 0), activity_looks(counts)
                run = {
                    "run": label,
                    "status": summary.status.value,
                    "counts": summary_json(summary)["counts"],
                    "wall_seconds": round(wall, 2),
                    "process_peak_rss_mb": round(peak_kb / 1024, 1),
                    "requests_by_endpoint": counts,
                    "requests_total": sum(counts.values()),
                    "contact_data_requests": data_requests,
                    "import_requests": imports,
                    "activity_looks": looks,
                    "looks_per_import": round(looks / imports, 2) if imports else None,
                }
                if key == "first":
                    first_push = run
                if key not in scenarios:
                    continue  # the first push, run only to set up a later scenario
                if key == "first":
                    chunks = list(service.store.runs.checkpoint(summary.run_id)["chunks"].values())
                    report["figures"] += first_push_figures(run, chunks, contacts)
                if key == "resync1pct":
                    report["figures"] += [
                        _figure(key, "contact-data requests", data_requests, "", RESYNC_REQUESTS),
                        _figure(key, "activity looks", looks, "", None),
                        _figure(key, "wall time", round(wall, 2), "s", None),
                    ]
                report["runs"].append(run)
        finally:
            handle.close()
    return first_push


def service_run(connector: Any, contacts: int) -> dict[str, Any]:
    """A service's own scenario, in a fresh sandbox with the rate limits on."""
    from app.sync.bootstrap import open_service

    with tempfile.TemporaryDirectory(prefix=f"contactbridge-bench-{connector.kind}-") as tmp:
        handle = open_service(sandbox=True, home=Path(tmp), enforce_limits=True, with_samples=False)
        try:
            return dict(connector.sandbox.bench(handle, contacts))
        finally:
            handle.close()


def print_service_run(kind: str, found: dict[str, Any]) -> None:
    """A service scenario's runs: counts, then requests by service and endpoint."""
    for run in found.get("runs", ()):
        c = run.get("counts") or {}
        print(f"\n== {kind}: {run['run']}: {run['status']} in {run['wall_seconds']} s")
        if c:
            print(
                f"   created {c['created']:,}, updated {c['updated']:,}, unchanged "
                f"{c['unchanged']:,}, skipped {c['skipped']:,}, failed {c['failed']:,}"
            )
        for note in run.get("notes", ()):
            print(f"   {note}")
        for service, counts in run.get("requests", {}).items():
            writes = sum(n for k, n in counts.items() if not k.startswith("GET "))
            print(f"   {service}: {sum(counts.values())} requests ({writes} writes)")
            for endpoint, n in sorted(counts.items()):
                print(f"     {n:>6}  {endpoint}")


def first_push_figures(run: dict, chunks: list[dict], contacts: int) -> list[dict]:
    """The first push's request figures, with their targets at ``TARGET_CONTACTS``. A
    smaller bench also gives them estimated at that size: imports scaled by the contacts a
    full import carried, looks by ``activity_timing.simulate`` at the emulator's pace."""
    full = contacts >= TARGET_CONTACTS
    figures = [
        _figure(
            "first", "requests in all", run["requests_total"], "", FIRST_REQUESTS if full else None
        ),
        _figure(
            "first",
            "contact-data requests",
            run["contact_data_requests"],
            "",
            FIRST_DATA_REQUESTS if full else None,
        ),
        _figure("first", "activity looks (polls)", run["activity_looks"], "", None),
        _figure("first", "looks per import", run["looks_per_import"] or 0, "", None),
    ]
    estimate = None if full else estimate_first_push(run, chunks, TARGET_CONTACTS)
    if estimate is not None:
        at = f"at {TARGET_CONTACTS:,} (estimated)"
        figures += [
            _figure("first", f"imports {at}", estimate["imports"], "", None),
            _figure("first", f"looks {at}", estimate["looks"], "", None),
            _figure("first", f"requests in all {at}", estimate["requests"], "", FIRST_REQUESTS),
            _figure("first", f"contact data {at}", estimate["data"], "", FIRST_DATA_REQUESTS),
        ]
    return figures


def estimate_first_push(run: dict, chunks: list[dict], contacts: int) -> dict | None:
    """The first push's requests at ``contacts``, from a smaller measured one (see above)."""
    from datetime import datetime

    from app.connectors.activity_timing import simulate
    from app.sync.engine_push import MAX_IN_FLIGHT

    sized = [c for c in chunks if c.get("items")]
    if len(sized) < 2 or not run["import_requests"]:
        return None  # no import was cut at the limits: how many a full one takes is unknown
    per_import = max(c["items"] for c in sized)
    imports = math.ceil(contacts / per_import)
    began = min(datetime.fromisoformat(c["started_at"]) for c in sized if c.get("started_at"))
    ended = max(datetime.fromisoformat(c["completed_at"]) for c in sized if c.get("completed_at"))
    seconds = max(1.0, (ended - began).total_seconds())  # whole seconds, as the service says
    seconds_per_item = seconds / sum(c["items"] for c in sized)
    sizes = [per_import] * (imports - 1) + [contacts - per_import * (imports - 1)]
    waves = [sizes[i : i + MAX_IN_FLIGHT] for i in range(0, len(sizes), MAX_IN_FLIGHT)]
    looks = sum(simulate(wave, seconds_per_item).looks for wave in waves)
    rest = run["requests_total"] - run["import_requests"] - run["activity_looks"]
    return {
        "imports": imports,
        "looks": looks,
        "requests": rest + imports + looks,
        "data": run["contact_data_requests"] - run["import_requests"] + imports,
        "seconds_per_item": seconds_per_item,
    }


def _print_report(report: dict) -> None:
    pushes = (PUSH_SCENARIOS | {"per-contact"}) & set(report["scenarios"])
    size = f": {report['contacts']:,} contacts pushed" if pushes else ""
    print(f"ContactBridge sandbox bench{size}")
    print(f"Scenarios: {', '.join(report['scenarios'])}")
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
        per_import = (
            f" ({r['looks_per_import']} per import)" if r["looks_per_import"] is not None else ""
        )
        print(
            f"   requests: {r['requests_total']} in all, {r['contact_data_requests']} for "
            f"contact data, {r['import_requests']} import requests, "
            f"{r['activity_looks']} activity looks (polls){per_import}"
        )
        for endpoint, n in sorted(r["requests_by_endpoint"].items()):
            print(f"     {n:>5}  {endpoint}")
    if "stats" in report:
        from app.devtools.bench_stats import print_stats

        print_stats(report["stats"])
    for kind, found in report.get("services", {}).items():
        print_service_run(kind, found)
    if "per_contact" in report:
        from app.devtools.bench_per_contact import print_per_contact

        print_per_contact(report["per_contact"], report["per_contact"].get("compared"))
    if report["figures"]:
        print("\n== Figures and targets")
        print(f"   {'scenario':<12} {'figure':<46} {'value':>12} {'target':>12}  met")
        for f in report["figures"]:
            value = f"{f['value']:,}{f['unit'] and ' ' + f['unit']}"
            target = (
                "" if f["target"] is None else f"≤ {f['target']:,}{f['unit'] and ' ' + f['unit']}"
            )
            met = "" if f["target"] is None else ("yes" if f["met"] else "NO")
            print(f"   {f['scenario']:<12} {f['figure']:<46} {value:>12} {target:>12}  {met}")


# -- figures ------------------------------------------------------------------------------------


def _figure(scenario: str, name: str, value: float, unit: str, target: float | None) -> dict:
    met = target is None or value <= target
    return {
        "scenario": scenario,
        "figure": name,
        "value": value,
        "unit": unit,
        "target": target,
        "met": met,
    }


def sandbox_connection(service: ContactBridgeService) -> Connection:
    """The sandbox's Constant Contact connection (made when the sandbox opens)."""
    conn = service.connections.default_connection()
    assert conn is not None, "the sandbox opened without its Constant Contact connection"
    return conn


def bench_options() -> SyncOptions:
    """Every value transform on: the planner's most expensive set of options."""
    from app.core.profiles import SyncOptions
    from app.core.transforms import CountryFormat, PhoneFormat, StateFormat

    return SyncOptions(
        state_format=StateFormat.NAME,
        country_format=CountryFormat.CODE,
        phone_format=PhoneFormat.E164,
        phone_region="US",
    )


def planner_figures(records: int) -> list[dict]:
    """Time the pure planner over ``records`` rows of a CSV, then measure its peak memory.

    Links and mirror are those a first push leaves (every record linked and on the main
    list), so this is the planning of a second run. Records are read first, then planned
    with the cyclic GC paused as in a real run. The memory figure is a separate pass under
    tracemalloc (which slows Python down, so it never overlaps the timing): the links, the
    mirror and a streamed read-and-plan of every record.
    """
    from app.connectors.csv_file import FileSource
    from app.connectors.registry import file_spec
    from app.core.mapping_suggest import suggest_mapping
    from app.core.profiles import SyncProfile
    from app.sync.gc_pause import gc_paused
    from app.sync.planner import PlanContext, Planner

    with tempfile.TemporaryDirectory(prefix="contactbridge-planner-") as tmp:
        path = write_contacts_csv(Path(tmp) / "planner.csv", records)
        source = FileSource(path, key_column="Customer ID")
        profile = SyncProfile(
            name="Planner bench",
            source=file_spec(path),
            main_list="Bench list",
            options=bench_options(),
            mapping=suggest_mapping(source.columns()),
            id=1,
        )
        tracemalloc.start()
        try:
            ctx = PlanContext(profile, *_as_after_first_push(profile, source))
            for _ in Planner(ctx).plan_all(source.iter_records()):
                pass
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        with gc_paused():
            started = time.perf_counter()
            rows = list(source.iter_records())
            read = time.perf_counter() - started
            started = time.perf_counter()
            # Counted by the action itself: an enum's ``.value`` is a Python-level property,
            # bench bookkeeping that is no part of planning.
            actions = Counter(map(_ACTION, Planner(ctx).plan_all(rows)))
            planned = time.perf_counter() - started
            # The same plan from links that keep no source digest (kept by an older version,
            # or the first run after the options changed): every record's item made again.
            bare = PlanContext(profile, _without_source_digests(ctx.links), ctx.remote)
            started = time.perf_counter()
            again = Counter(map(_ACTION, Planner(bare).plan_all(rows)))
            rebuilt = time.perf_counter() - started
    assert sum(actions.values()) == records, actions
    assert again == actions, (again, actions)
    return [
        _figure("planner", f"plan {records:,} records", round(planned, 2), "s", PLANNER_SECONDS),
        _figure(
            "planner", "the same, every item made again (no digests)", round(rebuilt, 2), "s", None
        ),
        _figure("planner", "read them from the CSV first", round(read, 2), "s", None),
        _figure("planner", "peak memory (tracemalloc)", round(peak / 2**20, 1), "MB", PLANNER_MB),
    ]


def _without_source_digests(links: Mapping[str, LinkInfo]) -> dict[str, LinkInfo]:
    """The links as a version that kept no source digests would hold them."""
    from app.sync.fingerprint import item_part

    return {k: replace(v, fingerprint=item_part(v.fingerprint)) for k, v in links.items()}


def _as_after_first_push(
    profile: SyncProfile, source: FileSource
) -> tuple[dict[str, LinkInfo], dict[str, RemoteInfo]]:
    """The links and mirror entries a successful first push of ``source`` leaves."""
    from app.sync.planner import Action, LinkInfo, PlanContext, Planner, RemoteInfo

    links: dict[str, LinkInfo] = {}
    remote: dict[str, RemoteInfo] = {}
    planner = Planner(PlanContext(profile))
    for p in planner.plan_all(source.iter_records()):
        if p.action is Action.CREATE:
            links[p.key] = LinkInfo(f"id-{p.row}", p.email, p.fingerprint)
            remote[p.email] = RemoteInfo(f"id-{p.row}", "implicit", True)
    return links, remote


def stream_figures(records: int) -> list[dict]:
    """Peak RSS of a dry run over ``records`` generated rows, measured in a child process.

    A dry run reads, plans and writes every run record like a real run, without importing
    a million contacts into the emulator (which runs in its own process and is not counted).
    """
    root = Path(__file__).resolve().parents[2]
    code = "import sys; from app.devtools.bench import stream_child; stream_child(int(sys.argv[1]))"
    done = subprocess.run(
        [sys.executable, "-c", code, str(records)],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return [
        _figure("stream1m", f"dry run of {records:,} rows", result["seconds"], "s", None),
        _figure("stream1m", "records written", result["records"], "", None),
        _figure("stream1m", "peak RSS (child process)", result["peak_rss_mb"], "MB", STREAM_MB),
    ]


def stream_child(records: int) -> None:
    """The child half of ``stream1m``: prints one JSON line with its figures."""
    from app.connectors.registry import file_spec
    from app.core.profiles import SyncProfile
    from app.sync.bootstrap import open_service
    from app.sync.progress import NullReporter

    with tempfile.TemporaryDirectory(prefix="contactbridge-stream-") as tmp:
        home = Path(tmp)
        csv_path = write_contacts_csv(home / "stream.csv", records)
        handle = open_service(
            sandbox=True, home=home, enforce_limits=True, with_samples=False, emulator_process=True
        )
        try:
            service = handle.service
            spec = file_spec(csv_path, "Customer ID")
            columns, _ = service.profiles.preview_source(spec, 1)
            profile = service.profiles.save(
                SyncProfile(
                    name="Stream",
                    source=spec,
                    main_list="Bench list",
                    connection_id=sandbox_connection(service).id,
                    options=bench_options(),
                    mapping=service.profiles.suggest_mapping(columns),
                )
            )
            started = time.perf_counter()
            summary = service.runs.sync(profile.saved_id, dry_run=True, reporter=NullReporter())
            seconds = time.perf_counter() - started
        finally:
            handle.close()
    peak_kb = _peak_rss_kb()
    counts = summary.counts
    total = counts.created + counts.updated + counts.unchanged + counts.skipped + counts.failed
    figures = {"seconds": round(seconds, 1), "records": total, "peak_rss_mb": round(peak_kb / 1024)}
    print(json.dumps(figures), flush=True)
