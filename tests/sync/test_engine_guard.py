"""The blast-radius guard: a run that would unsubscribe or remove many contacts asks first."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from app.cli import EXIT_CANNOT_START, EXIT_OK, main
from app.connectors import constant_contact as cc_client
from app.connectors.http import RateLimiter
from app.core.errors import NeedsConfirmation
from app.core.outcomes import Outcome, RunStatus
from app.core.profiles import OptOutHandling, SyncOptions
from app.sandbox.samples import SAMPLE_PROFILE_NAME
from app.sync import bootstrap
from app.sync.guard import BlastRadius
from tests.sync.two_way import counts_add_up


def seed(tw, n: int) -> list[str]:
    emails = [f"p{i:03d}@example.com" for i in range(n)]
    for i, email in enumerate(emails):
        tw.source.add(email, f"F{i}", f"L{i}")
    return emails


@pytest.mark.parametrize(
    ("unsubscribes", "removals", "synced", "asks"),
    [
        (51, 0, 10_000, True),  # over the number
        (50, 0, 10_000, False),
        (3, 3, 40, True),  # 15 % of 40, and at least 5
        (4, 0, 20, False),  # 20 %, but too few to bother anyone
        (5, 0, 100, False),  # 5 %
        (60, 0, 0, True),  # a first run: only the number applies
    ],
)
def test_limits(unsubscribes, removals, synced, asks):
    assert BlastRadius(unsubscribes, removals, synced).exceeds(SyncOptions()) is asks


def test_mass_unsubscribe_stops_before_writing_and_runs_when_confirmed(two_way):
    tw = two_way.setup(opt_out_handling=OptOutHandling.UNSUBSCRIBE)
    emails = seed(tw, 70)
    tw.run()
    tw.source.opted_out.update(tw.source.key_of(e) for e in emails[:60])
    tw.emulator.reset_counts()

    with pytest.raises(NeedsConfirmation) as stopped:
        tw.run()

    err = stopped.value
    assert (err.unsubscribes, err.removals, err.synced) == (60, 0, 70)
    assert (
        "unsubscribe 60 contacts in Constant Contact" in err.message and "--confirm" in err.message
    )
    assert tw.writes() == []  # nothing was written
    assert all(tw.permission(e) != "unsubscribed" for e in emails)
    preview = tw.service.store.runs.get(err.run_id)
    assert preview.status is RunStatus.DRY_RUN and preview.dry_run
    planned = [r for r in tw.results(preview) if r.action == "unsubscribe"]
    assert len(planned) == 60  # the preview lists everyone affected
    counts_add_up(tw.service, preview)

    done = tw.run(confirm=True)

    assert done.status is RunStatus.COMPLETED
    assert done.run_id != err.run_id
    assert sum(1 for r in tw.results(done) if r.action == "unsubscribe") == 60
    assert all(tw.permission(e) == "unsubscribed" for e in emails[:60])
    assert all(tw.permission(e) != "unsubscribed" for e in emails[60:])


def test_fixing_the_source_instead_needs_no_confirmation(two_way):
    tw = two_way.setup(remove_deleted=True)
    emails = seed(tw, 40)
    tw.run()
    saved = dict(tw.source.records)
    tw.source.records.clear()  # an empty export: everyone looks deleted

    with pytest.raises(NeedsConfirmation) as stopped:
        tw.run()
    assert stopped.value.removals == 40
    assert set(emails) <= tw.on_list()

    tw.source.records.update(saved)  # the user fixes the export and syncs again
    summary = tw.run()

    assert summary.status is RunStatus.COMPLETED
    assert summary.counts.unchanged == 40
    assert set(emails) <= tw.on_list()


def test_dry_run_says_a_real_run_would_ask(two_way):
    tw = two_way.setup(remove_deleted=True)
    seed(tw, 10)
    tw.run()
    tw.source.records.clear()

    dry = tw.run(dry_run=True)

    assert dry.status is RunStatus.DRY_RUN
    assert "a real run will ask to confirm first" in dry.message
    removed = [r for r in tw.results(dry) if r.action == "remove"]
    assert len(removed) == 10 and {r.outcome for r in removed} == {Outcome.UPDATED}


# -- the command line -------------------------------------------------------------------------


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A sandbox home for the CLI, whose emulator and client enforce no rate limits."""
    real = bootstrap.open_service
    monkeypatch.setattr(
        bootstrap, "open_service", lambda *a, **k: real(*a, **{**k, "enforce_limits": False})
    )
    monkeypatch.setattr(cc_client, "shared_limiter", lambda *a, **k: RateLimiter(100_000))
    home = tmp_path / "home"
    monkeypatch.setenv("CONTACTBRIDGE_HOME", str(home))
    monkeypatch.delenv("CONTACTBRIDGE_CC_API_URL", raising=False)
    monkeypatch.delenv("CONTACTBRIDGE_CC_AUTH_URL", raising=False)
    return home


def opt_out_many(home: Path, n: int) -> None:
    """Let the sample profile unsubscribe, and mark ``n`` of its synced rows opted out."""
    handle = bootstrap.open_service(sandbox=True, home=home)
    try:
        service = handle.service
        profile = service.profiles.named(SAMPLE_PROFILE_NAME)
        options = profile.options.__class__(
            **{**profile.options.to_dict(), "opt_out_handling": OptOutHandling.UNSUBSCRIBE}
        )
        service.profiles.save(profile.with_changes(options=options))
        path = handle.sample_csv
    finally:
        handle.close()
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    marked = 0
    for row in rows:
        if marked < n and row["Email Opt Out"] != "Yes" and "@" in row["Email Address"]:
            row["Email Opt Out"] = "Yes"
            marked += 1
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.DictWriter(fh, fieldnames=list(rows[0]))
        out.writeheader()
        out.writerows(rows)


def test_cli_sync_stops_with_exit_2_until_confirmed(home, capsys):
    assert main(["--sandbox", "sync", SAMPLE_PROFILE_NAME]) == EXIT_OK
    opt_out_many(home, 51)
    capsys.readouterr()

    code = main(["--sandbox", "sync", SAMPLE_PROFILE_NAME])

    _out, err = capsys.readouterr()
    assert code == EXIT_CANNOT_START
    assert "would unsubscribe" in err and f'sync "{SAMPLE_PROFILE_NAME}" --confirm' in err
    assert "Nothing was changed" in err

    assert main(["--sandbox", "sync", SAMPLE_PROFILE_NAME, "--confirm"]) == EXIT_OK
