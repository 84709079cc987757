"""What a run said about its file (a guessed text encoding) shows once, in the results banner,
and on each record it concerns."""

from __future__ import annotations

import pytest

from PySide6.QtCore import Qt

from app.core.outcomes import Outcome, RecordResult, RunCounts, RunStatus, RunSummary
from app.core.vocabulary import RunTallies, summary_text
from app.ui.theme import Tone

pytestmark = pytest.mark.gui

NOTE = (
    "ContactBridge was not sure of the file's text encoding and read it as Windows-1252 "
    "(Western European): check the names on row 2; if they look wrong, save the file as CSV "
    "UTF-8 (in Excel: File › Save As) and sync again."
)
GUESS = "First name: read as Windows-1252 (Western European), a guess; check that it looks right"
ROWS = (
    RecordResult(2, "zoe@x.com", "zoe@x.com", Outcome.CREATED, action="create", detail=GUESS),
    RecordResult(3, "bob@x.com", "bob@x.com", Outcome.CREATED, action="create"),
)


def summary(message: str, dry_run: bool = False) -> RunSummary:
    tallies = RunTallies.of(ROWS)
    return RunSummary(
        1,
        "Till → Newsletter",
        RunStatus.DRY_RUN if dry_run else RunStatus.COMPLETED,
        RunCounts.of(r.outcome for r in ROWS),
        dry_run=dry_run,
        message=message,
        extra=tallies.as_extra(),
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


@pytest.mark.parametrize("dry_run", [False, True], ids=["sync", "dry-run"])
def test_the_note_is_in_the_banner(view, dry_run: bool) -> None:
    sentence = summary_text(RunTallies.of(ROWS), dry_run)
    view.show_run(summary(f"{sentence}. {NOTE}", dry_run), ROWS)
    assert view.banner.body.text().startswith(NOTE + " ")
    assert view.banner.tone is (Tone.INFO if dry_run else Tone.WARNING)
    # Like every warning on a record, the note is on its row's reason, on hover.
    model = view.push_table.model
    tips = [
        model.data(model.index(i, model.COL_REASON), Qt.ItemDataRole.ToolTipRole)
        for i in range(model.rowCount())
    ]
    assert tips == [GUESS, None]


def test_without_a_note_the_banner_is_as_before(view) -> None:
    view.show_run(summary(summary_text(RunTallies.of(ROWS), False)), ROWS)
    assert view.banner.tone is Tone.SUCCESS
    assert view.banner.body.text() == "Next time, only new and changed contacts are sent."
