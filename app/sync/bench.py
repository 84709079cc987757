"""``sandbox bench``: measured scenarios of large pushes against the emulator.

Scenarios: ``first`` and ``unchanged`` pushes, ``resync1pct`` (1% of rows edited between
runs), ``planner`` (the pure planner over 100,000 records: time, then peak memory under
tracemalloc) and ``stream1m`` (a dry run over 1,000,000 rows in a child process: peak RSS).
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from pathlib import Path

from app.sandbox.samples import write_contacts_csv
from app.sync.progress import RecordingReporter

SCENARIOS = ("first", "unchanged", "resync1pct", "planner", "stream1m")
DEFAULT_SCENARIOS = ("first", "unchanged", "resync1pct", "planner")  # stream1m is big: opt in
PUSH_SCENARIOS = frozenset({"first", "unchanged", "resync1pct"})
RUN_LABELS = {
    "first": "first push",
    "unchanged": "second push, unchanged",
    "resync1pct": "re-sync with 1% of rows changed",
}
PLANNER_RECORDS, STREAM_RECORDS = 100_000, 1_000_000
# Targets: contact-data requests of a 1% re-sync; planner seconds and MB; 1M-row stream MB.
RESYNC_REQUESTS, PLANNER_SECONDS, PLANNER_MB, STREAM_MB = 5, 1.0, 400, 1024

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


def parse_scenarios(text: str | None) -> tuple[str, ...]:
    """``"first,planner"`` -> the scenarios in run order; None or blank -> the default set.

    Raises:
        ValueError: a name that is not a scenario.
    """
    if not text or not text.strip():
        return DEFAULT_SCENARIOS
    names = {n.strip().lower() for n in text.split(",") if n.strip()}
    unknown = names - set(SCENARIOS)
    if unknown:
        raise ValueError(
            f"Unknown scenario {', '.join(sorted(unknown))}; choose from {', '.join(SCENARIOS)}."
        )
    return tuple(n for n in SCENARIOS if n in names)


def bench(
    contacts: int, *, as_json: bool = False, scenarios: tuple[str, ...] = DEFAULT_SCENARIOS
) -> int:
    """Run the chosen scenarios (see ``SCENARIOS``) and print their figures with targets.

    The push scenarios share one fresh sandbox: N generated contacts pushed, pushed again
    unchanged, then again with 1% of the rows edited. ``first`` runs whenever a later push
    scenario needs it, but is only reported when chosen.
    """
    report: dict = {"contacts": contacts, "scenarios": list(scenarios), "runs": [], "figures": []}
    if PUSH_SCENARIOS & set(scenarios):
        _push_scenarios(contacts, scenarios, report)
    if "planner" in scenarios:
        report["figures"] += planner_figures(PLANNER_RECORDS)
    if "stream1m" in scenarios:
        report["figures"] += stream_figures(STREAM_RECORDS)
    if as_json:
        print(json.dumps(report, indent=2))
    else:
        _print_report(report)
    return 0 if all(f["met"] for f in report["figures"]) else 1


def _push_scenarios(contacts: int, scenarios: tuple[str, ...], report: dict) -> None:
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
            wanted = [k for k in ("first", "unchanged", "resync1pct") if k in scenarios]
            runs = ["first", *(k for k in wanted if k != "first")]
            for key in runs:
                label = RUN_LABELS[key]
                if key == "resync1pct":
                    edit_rows(csv_path, every=100)
                emu.reset_counts()
                started = time.perf_counter()
                summary = service.run_profile(profile.id, reporter=RecordingReporter())
                wall = time.perf_counter() - started
                peak_kb = _peak_rss_kb()
                counts = emu.request_counts()
                if key not in scenarios:
                    continue  # the first push, run only to set up a later scenario
                data_requests = contact_data_requests(counts)
                if key == "resync1pct":
                    report["figures"] += [
                        _figure(key, "contact-data requests", data_requests, "", RESYNC_REQUESTS),
                        _figure(key, "wall time", round(wall, 2), "s", None),
                    ]
                report["runs"].append(
                    {
                        "run": label,
                        "status": summary.status.value,
                        "counts": summary_json(summary)["counts"],
                        "wall_seconds": round(wall, 2),
                        "process_peak_rss_mb": round(peak_kb / 1024, 1),
                        "requests_by_endpoint": counts,
                        "requests_total": sum(counts.values()),
                        "contact_data_requests": data_requests,
                        "import_requests": counts.get(
                            "POST /v3/activities/contacts_json_import", 0
                        ),
                    }
                )
        finally:
            handle.close()


def _print_report(report: dict) -> None:
    pushes = PUSH_SCENARIOS & set(report["scenarios"])
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
        print(
            f"   requests: {r['requests_total']} in all, {r['contact_data_requests']} for "
            f"contact data, {r['import_requests']} import requests"
        )
        for endpoint, n in sorted(r["requests_by_endpoint"].items()):
            print(f"     {n:>5}  {endpoint}")
    if report["figures"]:
        print("\n== Figures and targets")
        print(f"   {'scenario':<12} {'figure':<34} {'value':>12} {'target':>12}  met")
        for f in report["figures"]:
            value = f"{f['value']:,}{f['unit'] and ' ' + f['unit']}"
            target = (
                "" if f["target"] is None else f"≤ {f['target']:,}{f['unit'] and ' ' + f['unit']}"
            )
            met = "" if f["target"] is None else ("yes" if f["met"] else "NO")
            print(f"   {f['scenario']:<12} {f['figure']:<34} {value:>12} {target:>12}  {met}")


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


def bench_options() -> object:
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
    from app.core.mapping_suggest import suggest_mapping
    from app.core.profiles import SourceKind, SourceSpec, SyncProfile
    from app.sync.gc_pause import gc_paused
    from app.sync.planner import PlanContext, Planner

    with tempfile.TemporaryDirectory(prefix="contactbridge-planner-") as tmp:
        path = write_contacts_csv(Path(tmp) / "planner.csv", records)
        source = FileSource(path, key_column="Customer ID")
        profile = SyncProfile(
            name="Planner bench",
            source=SourceSpec(SourceKind.FILE, {"path": str(path)}),
            main_list="Bench list",
            options=bench_options(),  # type: ignore[arg-type]
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
            actions = Counter(p.action.value for p in Planner(ctx).plan_all(rows))
            planned = time.perf_counter() - started
    assert sum(actions.values()) == records, actions
    return [
        _figure("planner", f"plan {records:,} records", round(planned, 2), "s", PLANNER_SECONDS),
        _figure("planner", "read them from the CSV first", round(read, 2), "s", None),
        _figure("planner", "peak memory (tracemalloc)", round(peak / 2**20, 1), "MB", PLANNER_MB),
    ]


def _as_after_first_push(profile: object, source: object) -> tuple[dict, dict]:
    """The links and mirror entries a successful first push of ``source`` leaves."""
    from app.sync.planner import Action, LinkInfo, PlanContext, Planner, RemoteInfo

    links: dict[str, LinkInfo] = {}
    remote: dict[str, RemoteInfo] = {}
    planner = Planner(PlanContext(profile))  # type: ignore[arg-type]
    for p in planner.plan_all(source.iter_records()):  # type: ignore[attr-defined]
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
    code = "import sys; from app.sync.bench import stream_child; stream_child(int(sys.argv[1]))"
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
    from app.core.profiles import SourceKind, SourceSpec, SyncProfile
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
            spec = SourceSpec(SourceKind.FILE, {"path": str(csv_path), "key_column": "Customer ID"})
            columns, _ = service.preview_source(spec, 1)
            profile = service.save_profile(
                SyncProfile(
                    name="Stream",
                    source=spec,
                    main_list="Bench list",
                    connection_id=service.default_connection().id,
                    options=bench_options(),  # type: ignore[arg-type]
                    mapping=service.suggest_mapping(columns),
                )
            )
            started = time.perf_counter()
            summary = service.run_profile(profile.id, dry_run=True, reporter=NullReporter())
            seconds = time.perf_counter() - started
        finally:
            handle.close()
    peak_kb = _peak_rss_kb()
    counts = summary.counts
    total = counts.created + counts.updated + counts.unchanged + counts.skipped + counts.failed
    figures = {"seconds": round(seconds, 1), "records": total, "peak_rss_mb": round(peak_kb / 1024)}
    print(json.dumps(figures), flush=True)
