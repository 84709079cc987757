"""The results banner follows the run's status: only a completed run is "up to date"."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.core.advice import ErrorKind
from app.core.outcomes import Outcome, RecordResult, RunCounts, RunStatus, RunSummary
from app.ui.theme import Tone

pytestmark = pytest.mark.gui

ROWS = (
    RecordResult(1, "k1", "ada@example.com", Outcome.CREATED, action="create"),
    RecordResult(2, "k2", "bob@example.com", Outcome.UNCHANGED, action="none"),
)


@pytest.fixture
def view(qtbot):
    from app.sync.workers import BackgroundTasks
    from app.ui.results.results_view import ResultsView

    tasks = BackgroundTasks()
    view = ResultsView(tasks)
    qtbot.addWidget(view)
    yield view
    tasks.shutdown()


def summary(status: RunStatus, message: str = "", kind: str = "", failed: int = 0) -> RunSummary:
    return RunSummary(
        7,
        "Bakery customers → Newsletter",
        status,
        RunCounts(created=1, unchanged=1, failed=failed),
        message=message,
        error_kind=kind,
    )


@pytest.mark.parametrize(
    ("status", "title"),
    [
        (RunStatus.FAILED, "The sync stopped before it finished"),
        (RunStatus.RUNNING, "This sync did not finish"),
        (RunStatus.PENDING, "This sync did not finish"),
        (RunStatus.CANCELLED, "Cancelled — sync again to pick up where it stopped"),
        (RunStatus.PAUSED, "Paused — Constant Contact's daily limit was reached"),
    ],
)
def test_an_unfinished_run_never_says_up_to_date(view, status, title):
    view.show_run(summary(status, "Stopped."), ROWS)
    assert view.banner.title.text() == title
    assert "up to date" not in view.banner.title.text()


def test_completed_with_errors_says_how_many_failed(view):
    rows = (*ROWS, RecordResult(3, "k3", "x@example.com", Outcome.FAILED, reason="Refused"))
    view.show_run(summary(RunStatus.COMPLETED_WITH_ERRORS, failed=1), rows)
    assert view.banner.title.text() == "Sync finished — 1 record failed"


def test_completed_says_up_to_date(view):
    view.show_run(summary(RunStatus.COMPLETED), ROWS)
    assert view.banner.title.text() == "Sync finished — your list in Constant Contact is up to date"


@pytest.mark.parametrize(
    ("kind", "says", "never"),
    [
        (ErrorKind.MISSING_FILE, "Locate file…", "Sync again"),
        (ErrorKind.LIST_DELETED, "Edit the profile", "Sync again"),
        (ErrorKind.RECONNECT, "Reconnect", "Sync again"),
        (ErrorKind.NETWORK, "sync again", "Edit the profile"),
    ],
)
def test_a_failed_runs_advice_fits_its_error(view, kind, says, never):
    view.show_run(summary(RunStatus.FAILED, "It stopped.", kind), ROWS)
    text = view.banner.body.text()
    assert text.startswith("It stopped. ")
    assert says in text
    assert never not in text
    assert view.banner.tone is Tone.ERROR


def test_results_export_to_the_profile_name_and_run_date(view, tmp_path, monkeypatch):
    monkeypatch.setattr("app.ui.export_path.user_documents_dir", lambda: str(tmp_path))
    run = replace(summary(RunStatus.COMPLETED), started_at="2026-12-07T10:00:00")
    view.show_run(run, ROWS)
    assert view.push_table.suggested_export_path() == (
        tmp_path / "Bakery customers → Newsletter – 2026-12-07 results.csv"
    )
    assert view.error_table.suggested_export_path().name == (
        "Bakery customers → Newsletter – 2026-12-07 error report.csv"
    )
