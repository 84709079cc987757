"""Headless commands over the same engine as the GUI: sync, push, profiles, run-due, stats,
sandbox."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from app import __version__, cli_stats
from app.core.errors import AppError
from app.core.outcomes import RunStatus, RunSummary
from app.core.plural import counted, plural
from app.core.vocabulary import (
    RunTallies,
    Side,
    Tally,
    label,
    shown_terms,
    side_title,
    summary_text,
)
from app.sync.log_file import RedactingFilter
from app.sync.summary import summary_json

EXIT_OK, EXIT_FAILED_RECORDS, EXIT_CANNOT_START = 0, 1, 2
NO_WAIT_HELP = (
    "if another sync is using the same Constant Contact account, stop at once with exit "
    "code 2 instead of waiting for it to finish"
)
EXIT_BROKEN_PIPE = 128 + 13  # what a shell reports for a command killed by SIGPIPE
RESUME_HINT = "Run the same command again to resume where it stopped."


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="contactbridge",
        description="Keep your contacts in sync with Constant Contact. "
        "With no command, opens the app.",
    )
    p.add_argument("--version", action="version", version=f"ContactBridge {__version__}")
    p.add_argument(
        "--sandbox",
        action="store_true",
        help="use the built-in sandbox (an emulated Constant Contact with sample data)",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser("sync", help="run one sync profile and print the results")
    s.add_argument("profile", metavar="PROFILE", help="the profile's name")
    s.add_argument("--dry-run", action="store_true", help="show what would change; change nothing")
    s.add_argument("--json", action="store_true", help="print one JSON object")
    s.add_argument(
        "--confirm",
        action="store_true",
        help="go ahead even if the sync unsubscribes or removes many contacts "
        "(without it, such a sync stops before changing anything and says what it would do)",
    )
    s.add_argument("--no-wait", action="store_true", help=NO_WAIT_HELP)

    s = sub.add_parser(
        "retry-failed",
        help="run a profile again for only the records that failed in its last sync",
    )
    s.add_argument("profile", metavar="PROFILE", help="the profile's name")
    s.add_argument("--json", action="store_true", help="print one JSON object")
    s.add_argument("--confirm", action="store_true", help="as for sync")
    s.add_argument("--no-wait", action="store_true", help=NO_WAIT_HELP)

    s = sub.add_parser(
        "undo",
        help="undo a sync: put back what it changed in Constant Contact and the source",
        description="Puts back the field values and list memberships a sync changed "
        "(default: the profile's last completed sync), and the values a two-way sync wrote "
        "to the source (Xero). Contacts it created come off the lists it put them on; "
        "records it created in the source stay there. Unsubscribes and opt-outs are never "
        "undone: only the person can opt back in. A field someone changed after the sync "
        "is reported and left as it is.",
    )
    s.add_argument("profile", metavar="PROFILE", help="the profile's name")
    s.add_argument("--run", type=int, metavar="N", help="the run to undo (see its run number)")
    s.add_argument(
        "--dry-run", action="store_true", help="show what it would restore; change nothing"
    )
    s.add_argument("--json", action="store_true", help="print one JSON object")
    s.add_argument(
        "--delete-created",
        action="store_true",
        help="delete the contacts the sync created (never one who unsubscribed), instead "
        "of only taking them off the list, and archive the records it created in the "
        "source (Xero); needs --confirm",
    )
    s.add_argument("--confirm", action="store_true", help="go ahead with --delete-created")
    s.add_argument("--no-wait", action="store_true", help=NO_WAIT_HELP)

    s = sub.add_parser("push", help="push a CSV or Excel file to a Constant Contact list")
    s.add_argument("file", metavar="FILE", type=Path)
    s.add_argument("--list", required=True, metavar="NAME", help="the list's exact name")
    s.add_argument("--dry-run", action="store_true")
    s.add_argument("--json", action="store_true")
    s.add_argument("--no-wait", action="store_true", help=NO_WAIT_HELP)

    s = sub.add_parser(
        "run-due",
        help="run every profile whose schedule says it is due, once, then exit",
        description="Runs every scheduled profile that is due, one after the other, and "
        "exits: what the OS job (Run schedules when ContactBridge is closed) calls. A profile "
        "already syncing elsewhere is skipped; one whose Constant Contact account is busy with "
        "another sync waits for it. Exit code 0 when every run went fine or "
        "nothing was due, 1 when some run failed.",
    )
    s.add_argument("--json", action="store_true", help="print a JSON list, one item a profile")

    s = sub.add_parser("profiles", help="list, export or import sync profiles")
    psub = s.add_subparsers(dest="action", metavar="ACTION", required=True)
    pl = psub.add_parser("list", help="one profile name a line")
    pl.add_argument("--json", action="store_true")
    pe = psub.add_parser("export", help="write a profile to a JSON file")
    pe.add_argument("name", metavar="NAME")
    pe.add_argument("file", metavar="FILE", type=Path)
    pi = psub.add_parser("import", help="read a profile from a JSON file")
    pi.add_argument("file", metavar="FILE", type=Path)
    pi.add_argument("--replace", action="store_true", help="replace a profile of the same name")

    cli_stats.add_parser(sub)

    s = sub.add_parser("sandbox", help="the built-in Constant Contact emulator")
    ssub = s.add_subparsers(dest="action", metavar="ACTION", required=True)
    sv = ssub.add_parser("serve", help="run the emulator on its own and print its URLs")
    sv.add_argument("--port", type=int, default=0)
    sv.add_argument("--no-limits", action="store_true", help="do not enforce rate limits")
    sv.add_argument("--state", type=Path, help="the emulator's state file")
    sv.add_argument("--ready-json", action="store_true", help=argparse.SUPPRESS)
    sv.add_argument("--parent-pid", type=int, default=0, help=argparse.SUPPRESS)
    b = ssub.add_parser("bench", help="measure requests and time of a large push")
    b.add_argument("--contacts", type=int, default=100_000)
    b.add_argument("--json", action="store_true")
    b.add_argument(
        "--scenario",
        metavar="NAMES",
        help="comma-separated: first,unchanged,resync1pct,planner,stream1m,per-contact,stats, "
        "or a service's own scenario, named after it (default: all but stream1m, per-contact, "
        "stats and the services')",
    )
    b.add_argument(
        "--ui", action="store_true", help="measure the window's longest stall during the sync"
    )

    s = sub.add_parser("screenshots", help="save screenshots of every screen (sandbox)")
    s.add_argument("out_dir", metavar="DIR", type=Path)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    try:
        code = _main(argv)
        sys.stdout.flush()  # a closed pipe shows here, not in Python's exit
        return code
    except BrokenPipeError:
        # The reader went away (``sync --json | head``): stop quietly, as a killed pipe
        # would. Python would complain again flushing stdout at exit; point it at devnull
        # (the recipe in the signal module's documentation).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:  # Ctrl+C outside a run (a run stops cleanly on its own)
        print("Interrupted.", file=sys.stderr)
        return 128 + signal.SIGINT


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    # Warnings on stderr; the log file (installed with the service) keeps INFO and up.
    stderr = logging.StreamHandler()
    stderr.setLevel(logging.WARNING)
    stderr.addFilter(RedactingFilter())
    logging.basicConfig(
        level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", handlers=[stderr]
    )
    if args.command is None:
        from app.application import run

        return run(sandbox=args.sandbox)
    if args.command == "screenshots":
        from app.application import run

        return run(sandbox=True, screenshot=args.out_dir)
    if args.command == "sandbox":
        if args.action == "serve":
            from app.sandbox.serve import serve

            return serve(
                args.port,
                enforce_limits=not args.no_limits,
                state=args.state,
                ready_json=args.ready_json,
                parent_pid=args.parent_pid,
            )
        from app.devtools import bench

        if args.ui:
            from app.devtools.responsiveness import measure

            return measure(args.contacts, as_json=args.json)
        try:
            scenarios = bench.parse_scenarios(args.scenario)
        except ValueError as exc:
            _fail(str(exc), args.json)
            return EXIT_CANNOT_START
        return bench.bench(args.contacts, as_json=args.json, scenarios=scenarios)
    try:
        return _with_service(args)
    except AppError as exc:
        _fail(exc.message, getattr(args, "json", False))
        return EXIT_CANNOT_START


def _with_service(args: argparse.Namespace) -> int:
    from app.sync.bootstrap import open_service
    from app.sync.locks import Origin

    handle = open_service(sandbox=args.sandbox)
    try:
        for notice in handle.notices:
            print(notice, file=sys.stderr)
        service = handle.service
        # Another process waiting for the same account names this one by it.
        service.runs.origin = Origin.RUN_DUE if args.command == "run-due" else Origin.COMMAND_LINE
        if args.command == "profiles":
            return _profiles(service, args)
        if args.command == "run-due":
            return _run_due(service, args.json)
        if args.command == "stats":
            return cli_stats.run(service, args, _interrupt_cancels)
        if args.command == "undo":
            return _undo(service, service.profiles.named(args.profile), args)
        if args.command != "push":
            return _run(service, service.profiles.named(args.profile), args)
        profile, temporary = _quick_push_profile(service, args.file, args.list, args.dry_run)
        try:
            return _run(service, profile, args)
        finally:
            if temporary:  # a dry run leaves no profile (and so no run history) behind
                service.profiles.delete(profile.id)
    finally:
        handle.close()


def _run(service, profile, args: argparse.Namespace) -> int:
    """Run (or retry) one profile, print its summary; Ctrl+C stops it in a resumable state."""
    from app.core.errors import NeedsConfirmation
    from app.sync.progress import CancelToken, RecordingReporter

    dry_run = getattr(args, "dry_run", False)
    confirm = getattr(args, "confirm", False)
    reporter, cancel = RecordingReporter(), CancelToken()
    wait = {"wait": not args.no_wait, "on_wait": _say_waiting}
    try:
        with _interrupt_cancels(cancel):
            if args.command == "retry-failed":
                summary = _retry_failed(service, profile, confirm, reporter, cancel, **wait)
            else:
                summary = service.runs.sync(
                    profile.id,
                    dry_run=dry_run,
                    confirm=confirm,
                    reporter=reporter,
                    cancel=cancel,
                    **wait,
                )
    except AppError as exc:
        stopped = None
        if reporter.phases and not dry_run and not isinstance(exc, NeedsConfirmation):
            stopped = service.runs.resumable(profile.id)  # the run it started, stopped
        if stopped is None:
            _fail(exc.message, args.json)
            return EXIT_CANNOT_START
        summary = stopped
    _print_summary(_with_resume_hint(summary), args.json, service)
    return exit_code(summary)


@contextlib.contextmanager
def _interrupt_cancels(cancel) -> Iterator[None]:
    """While a run goes on, Ctrl+C cancels it (it stops cleanly and can resume); a second
    Ctrl+C interrupts at once."""

    previous = signal.getsignal(signal.SIGINT)
    if previous is None:  # installed outside Python: restore the default
        previous = signal.SIG_DFL

    def on_interrupt(signum: int, frame: object) -> None:
        signal.signal(signal.SIGINT, previous)
        print("Stopping after the current step… (Ctrl+C again to quit now)", file=sys.stderr)
        cancel.cancel()

    try:
        signal.signal(signal.SIGINT, on_interrupt)
    except ValueError:  # not the main thread: leave Ctrl+C alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _with_resume_hint(summary: RunSummary) -> RunSummary:
    """A run stopped part-way says that running it again resumes it."""
    from dataclasses import replace

    if summary.status is not RunStatus.FAILED or summary.dry_run or RESUME_HINT in summary.message:
        return summary
    return replace(summary, message=f"{summary.message} {RESUME_HINT}".strip())


def _undo(service, profile, args: argparse.Namespace) -> int:
    """Undo a run (or show what undoing it would restore); one JSON object with --json."""
    from app.sync.progress import CancelToken

    cancel = CancelToken()
    dry_run = args.dry_run
    if args.delete_created and not args.confirm and not dry_run:
        preview = service.runs.undo(profile.id, args.run, dry_run=True, delete_created=True)
        _fail(_removal_words(preview), args.json)
        return EXIT_CANNOT_START
    with _interrupt_cancels(cancel):
        report = service.runs.undo(
            profile.id,
            args.run,
            dry_run=dry_run,
            delete_created=args.delete_created,
            cancel=cancel,
            wait=not args.no_wait,
            on_wait=_say_waiting,
        )
    if args.json:
        print(
            json.dumps({"profile": profile.name, **report.as_json()}, indent=2, ensure_ascii=False)
        )
    else:
        print(report.summary_text() + ".")
        for step in report.steps:
            line = _undo_line(step, args.dry_run, report.source_name)
            if line:
                print(line)
    return EXIT_FAILED_RECORDS if report.tally()["failed"] else EXIT_OK


def _removal_words(preview) -> str:
    """What --delete-created would remove on each side, and how to go ahead."""
    doomed, archived = preview.removals()
    source = preview.source_name
    records = counted(archived, "record", "records")
    if archived and not doomed:
        text = f"This undo would archive {records} the sync created in {source}."
    else:
        text = (
            f"This undo would delete {counted(doomed, 'contact', 'contacts')} the sync created, "
            "and deleting cannot be undone"
        )
        if archived:
            text += f"; it would also archive {records} the sync created in {source}"
        text += "."
    keep = f"only take {plural(doomed, 'it', 'them')} off the list"
    if archived:
        keep = f"only take the contacts off the list and leave the records in {source}"
    return f"{text} Add --confirm to go ahead, or leave out --delete-created to {keep}."


def _undo_line(step, dry_run: bool, source: str = "the source") -> str:
    """One line per entry that restores something or was not restored as it should."""
    who = step.email or step.key
    if step.outcome in ("skipped", "failed") and step.reason:
        return f"  {who}: {step.outcome} — {step.reason}"
    parts = [f"email back to {step.email_back}"] if step.email_back else []
    parts += [f"{k} back to {v!r}" for k, v in step.restore.items()]
    parts += [f"{k} emptied" for k in step.clear]
    parts += ["taken off the list"] if step.list_remove else []
    parts += ["put back on the list"] if step.list_add else []
    parts += ["deleted (the sync created it)"] if step.delete else []
    parts += [f"{k} back to {v!r} in {source}" for k, v in step.source_restore.items()]
    parts += [f"archived in {source} (the sync created it)"] if step.source_archive else []
    parts += step.notes
    verb = "will restore" if dry_run else "restored"
    return f"  {who}: {verb} " + "; ".join(parts) if parts else ""


def _run_due(service, as_json: bool) -> int:
    """Run each due profile once, in turn; one line (or JSON item) per profile."""
    from app.core.errors import RunLocked
    from app.sync.due import due_profiles, local_now, next_check_at, schedule_words, with_last_runs

    now = local_now()
    items = with_last_runs(service.profiles.list(), service.runs.last_started(), now)
    due = {p.id for p in due_profiles(items, now)}
    report: list[dict] = []
    failed = False
    for profile, last_run in items:
        item: dict = {
            "profile": profile.name,
            "schedule": schedule_words(profile, synced=last_run is not None),
        }
        if profile.id not in due:
            when = next_check_at(profile, last_run, now)  # a two-way profile polls
            item["status"] = "manual" if when is None else "not_due"
            item["next_run"] = when.isoformat(timespec="minutes") if when else None
        else:
            try:
                summary = service.runs.sync(profile.id, on_wait=_say_waiting, scheduled=True)
            except RunLocked:
                item["status"] = "skipped"
                item["message"] = "already syncing in another ContactBridge window or process"
            except Exception as exc:  # one broken profile must not stop the others
                if not isinstance(exc, AppError):
                    logging.getLogger(__name__).error(
                        "run of %s failed", profile.name, exc_info=exc
                    )
                failed = True
                item["status"] = "error"
                item["message"] = str(exc)
            else:
                failed |= exit_code(summary) != EXIT_OK
                item.update(summary_json(summary))
        report.append(item)
    stats = cli_stats.due_item(service, now)
    if stats is not None:
        report.append(stats)
        failed |= stats["status"] == "error"
    if as_json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        for item in report:
            print(_run_due_line(item))
        if not report:
            print("There are no profiles yet.")
    return EXIT_FAILED_RECORDS if failed else EXIT_OK


def _run_due_line(item: dict) -> str:
    if item.get("kind") == "stats":
        return cli_stats.due_line(item)
    name, status = item["profile"], item["status"]
    if status == "manual":
        # "Manual (two-way checks start after your first sync)": the words the window shows.
        after = item["schedule"].removeprefix("Manual").strip()
        return f"{name}: manual — runs only when you press Sync Now{' ' * bool(after)}{after}"
    if status == "not_due":
        when = item["next_run"].replace("T", " ")[:16]
        schedule = item["schedule"]
        return f"{name}: not due — next run {when} ({schedule[:1].lower()}{schedule[1:]})"
    if status == "skipped":
        return f"{name}: skipped — {item['message']}"
    if status == "error":
        return f"{name}: failed — {item['message']}"
    c = item["counts"]
    return (
        f"{name}: {status.replace('_', ' ')} — created {c['created']:,}, "
        f"updated {c['updated']:,}, unchanged {c['unchanged']:,}, skipped {c['skipped']:,}, "
        f"failed {c['failed']:,}"
    )


def _retry_failed(service, profile, confirm, reporter, cancel, **wait) -> RunSummary:
    last = service.runs.last_failed(profile.id)
    if last is None:
        raise AppError(f'Nothing to retry: the last sync of "{profile.name}" had no failures.')
    return service.runs.retry_failed(
        last.run_id, confirm=confirm, reporter=reporter, cancel=cancel, **wait
    )


def _say_waiting(message: str) -> None:
    """What a run waits for, on stderr (stdout stays the result, JSON or not)."""
    if message:
        print(f"ContactBridge: {message}", file=sys.stderr)
    else:
        print("ContactBridge: the Constant Contact account is free; starting.", file=sys.stderr)


def exit_code(summary: RunSummary) -> int:
    if summary.status in (RunStatus.COMPLETED, RunStatus.DRY_RUN):
        return EXIT_OK
    return EXIT_FAILED_RECORDS


def _quick_push_profile(service, file: Path, list_name: str, dry_run: bool = False):
    """A profile for a one-shot push, reused next time so unchanged rows cost nothing.

    Returns (profile, temporary): a dry run with no such profile yet gets one that the
    caller deletes afterwards, so a look at what a push would do leaves nothing behind.
    """
    from app.connectors.registry import file_spec
    from app.core.profiles import SyncProfile

    file = file.resolve()
    name = f"Quick push: {file.name} → {list_name}"
    existing = service.profiles.get_by_name(name)
    if existing is not None:
        return existing, False
    conn = service.connections.default_connection()
    if conn is None:
        raise AppError("Connect to Constant Contact first: open ContactBridge and add a profile.")
    spec = file_spec(file)
    source = service.profiles.open_source(spec)
    columns = source.columns()
    mapping = service.profiles.suggest_mapping(columns)
    if mapping.source_for("email") is None:
        raise AppError(_no_email_column(file.name, columns, getattr(source, "sheet_pick", None)))
    profile = service.profiles.save(
        SyncProfile(
            name=name, source=spec, main_list=list_name, connection_id=conn.id, mapping=mapping
        )
    )
    return profile, dry_run


def _no_email_column(name: str, columns: list[str], pick: object) -> str:
    """Which file (and sheet) has no email column, what it has, and the other sheets."""
    from app.core.source_preview import quoted_list

    listed = ", ".join(columns)
    sheets: tuple[str, ...] = getattr(pick, "sheets", ())
    if len(sheets) < 2:
        return f'No email column was found in "{name}". Columns: {listed}.'
    sheet = getattr(pick, "name", "")
    others = quoted_list([s for s in sheets if s != sheet])
    return (
        f'No email column was found in sheet "{sheet}" of "{name}", nor in its other '
        f"sheet{'s' if len(sheets) > 2 else ''} ({others}). Columns: {listed}. Add an email "
        "column, or save the sheet with your contacts as .csv and push that file."
    )


def _profiles(service, args: argparse.Namespace) -> int:
    if args.action == "list":
        overviews = service.profiles.overviews()
        if args.json:
            print(json.dumps([_profile_json(o) for o in overviews], indent=2, ensure_ascii=False))
        else:
            for o in overviews:
                print(o.profile.name)
            if not overviews:  # on stderr: stdout stays one profile name a line
                print(
                    "No profiles yet. Create one in the app (python main.py), or import one: "
                    "python main.py profiles import FILE",
                    file=sys.stderr,
                )
        return EXIT_OK
    if args.action == "export":
        from app.sync.profile_transfer import write_profile_export

        profile = service.profiles.named(args.name)
        write_profile_export(service, profile, args.file)
        print(f'Exported "{profile.name}" to {args.file}')
        return EXIT_OK
    # An export carries no connection: with a single Constant Contact account connected,
    # the import uses it so the profile can sync at once.
    profile = _import_profile(service, args.file, args.replace)
    print(f'Imported "{profile.name}"')
    return EXIT_OK


def _import_profile(service, file: Path, replace: bool):
    """Read a profile export; every refusal names the file and says what to do."""
    from app.sync.profile_transfer import import_profile, read_profile_export

    data, name = read_profile_export(file)
    existing = service.profiles.get_by_name(name)
    if existing is not None and not replace:
        raise AppError(
            f'A profile named "{existing.name}" already exists. To replace it with the one in '
            f'"{file.name}", add --replace: python main.py profiles import "{file}" --replace'
        )
    return import_profile(service, data, replace=replace)


def _profile_json(overview) -> dict:
    from app.connectors.registry import describe_source

    p, last = overview.profile, overview.last_run
    return {
        "name": p.name,
        "source": describe_source(p.source),
        "source_kind": p.source.kind,
        "main_list": p.main_list,
        "schedule": p.schedule.describe(),
        "last_run": None
        if last is None
        else {
            "status": last.status.value,
            "finished_at": last.finished_at,
            **last.counts.as_dict(),
        },
    }


def _print_summary(summary: RunSummary, as_json: bool, service) -> None:
    data = summary_json(summary, service)
    if as_json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return
    c = data["counts"]
    title = "Dry run (nothing changed)" if summary.dry_run else "Sync"
    print(f"{title}: {summary.profile_name} — {summary.status.value.replace('_', ' ')}")
    print(
        f"  total {c['total']:,}: created {c['created']:,}, updated {c['updated']:,}, "
        f"unchanged {c['unchanged']:,}, skipped {c['skipped']:,}, failed {c['failed']:,}"
    )
    tallies = RunTallies.from_json(data["directions"])
    source = summary.source_name
    shown = shown_terms([tallies])
    labels = {t: label(t, summary.dry_run, source) for t in shown}
    for t in shown:  # a part of "Not pushed": indented under it
        if t.tally is Tally.FAILED_SUBSCRIPTIONS:
            labels[t] = "  " + labels[t]
    width = max(len(text) for text in labels.values()) + 2
    for side in Side:
        side_terms = [t for t in shown if t.side is side]
        if side_terms:
            print(f"  {side_title(side, source)}: {tallies.side(side).total:,}")
        for t in side_terms:
            print(f"    {labels[t]:<{width}}{tallies.side(side).get(t.tally):>8,}")
    for reason, n in sorted(data.get("reasons", {}).items(), key=lambda kv: -kv[1]):
        print(f"  {n:>6,} × {reason}")
    sentence = summary_text(tallies, summary.dry_run, source)
    note = summary.message.removeprefix(sentence).lstrip(". ")
    if note:
        print(f"  {note}")


def _fail(message: str, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"status": "error", "message": message}, ensure_ascii=False))
    else:
        print(f"ContactBridge: {message}", file=sys.stderr)
