"""Results read in the one vocabulary (app.core.vocabulary), whichever way records went.

A record created in Xero is not "Created in Constant Contact"; an opt-out mark written to the
source is not an update in Constant Contact; the results tab is not "Push results" when it
holds records that went to the source.
"""

from __future__ import annotations

import pytest

from PySide6.QtCore import Qt

from app.core.outcomes import Outcome, RecordResult, RunCounts, RunStatus, RunSummary
from app.core.vocabulary import FAILED_SUBSCRIPTION_REASON, RunTallies
from app.ui.results.results_model import RunResultsModel
from app.ui.theme import Tone

pytestmark = pytest.mark.gui

ROWS = (
    RecordResult(1, "c1", "ada@example.com", Outcome.CREATED, action="create"),
    RecordResult(
        2, "", "new@example.com", Outcome.CREATED, direction="import", action="import_create"
    ),
    RecordResult(
        3,
        "",
        "twin@example.com",
        Outcome.SKIPPED,
        reason="Two Xero contacts share this name and email",
        direction="import",
        action="skip",
    ),
    RecordResult(
        4, "c4", "gone@example.com", Outcome.UPDATED, direction="optout", action="opt_out"
    ),
    RecordResult(
        5,
        "c5",
        "left@example.com",
        Outcome.SKIPPED,
        reason=FAILED_SUBSCRIPTION_REASON,
        action="skip",
    ),
    RecordResult(
        6, "c6", "grace@example.com", Outcome.UPDATED, action="update", matched_existing=True
    ),
)


def two_way_summary(rows=ROWS, **kw) -> RunSummary:
    tallies = RunTallies.of(rows)
    return RunSummary(
        1,
        "Xero customers → Newsletter",
        kw.pop("status", RunStatus.COMPLETED),
        RunCounts.of(r.outcome for r in rows),
        extra=tallies.as_extra(),
        source_name="Xero",
        **kw,
    )


def outcome_column(model: RunResultsModel) -> list[str]:
    return [
        model.data(model.index(i, model.COL_OUTCOME), Qt.ItemDataRole.DisplayRole)
        for i in range(model.rowCount())
    ]


def test_each_row_reads_as_its_tally(qapp):
    model = RunResultsModel()
    model.source_name = "Xero"
    model.set_rows(ROWS)
    assert outcome_column(model) == [
        "Created in Constant Contact",
        "Created in Xero",
        "Not written to Xero",
        "Marked opted out in Xero",
        "Failed subscription",
        "Matched to an existing contact",
    ]
    reason = model.data(model.index(2, model.COL_REASON), Qt.ItemDataRole.DisplayRole)
    assert reason == "Two Xero contacts share this name and email"
    model.set_rows(ROWS, dry_run=True)
    assert outcome_column(model)[:4] == [
        "Would create in Constant Contact",
        "Would create in Xero",
        "Would not write to Xero",
        "Would mark opted out in Xero",
    ]


@pytest.fixture
def view(qtbot):
    from app.sync.workers import BackgroundTasks
    from app.ui.results.results_view import ResultsView

    tasks = BackgroundTasks()
    view = ResultsView(tasks)
    qtbot.addWidget(view)
    yield view
    tasks.shutdown()


def tile_texts(view) -> dict[str, tuple[int, str]]:
    return {k: (t.count, t.caption.text()) for k, t in view.tiles.items()}


def test_two_way_tiles_keep_each_direction_apart(view):
    view.show_run(two_way_summary(), ROWS)
    tiles = tile_texts(view)
    assert tiles["to_constant_contact.created"] == (1, "Created in Constant Contact")
    assert tiles["to_source.created"] == (1, "Created in Xero")
    assert tiles["to_source.opted_out"] == (1, "Marked opted out in Xero")
    assert tiles["to_constant_contact.matched"] == (1, "Matched to existing contacts")
    assert tiles["to_constant_contact.updated"] == (0, "Updated in Constant Contact")
    assert tiles["to_constant_contact.skipped"] == (1, "Not pushed")
    assert tiles["to_source.skipped"] == (1, "Not written to Xero")
    # Failed subscriptions are a part of those not pushed, shown on that tile.
    assert view.tiles["to_constant_contact.skipped"].note.text() == "Failed subscriptions: 1"
    assert sum(count for count, _ in tiles.values()) == len(ROWS)
    headings = [label.text() for label in view._side_labels]
    assert headings == ["To Constant Contact", "To Xero"]
    assert view.tabs.tabText(0) == "Results (6)"
    assert view.tabs.tabText(1) == "Error report (2)"
    assert "6 records (3 to Constant Contact, 3 to Xero)" in view.totals.text()
    assert view.banner.title.text() == "Sync finished — Constant Contact and Xero are up to date"


def test_filters_offer_the_tiles_and_show_their_records(view):
    view.show_run(two_way_summary(), ROWS)
    table = view.push_table
    choices = [table.category.itemText(i) for i in range(table.category.count())]
    assert choices[0] == "All records"
    assert {"Created in Constant Contact", "Created in Xero", "Failed subscriptions"} <= set(
        choices
    )
    assert "Created" not in choices

    def show(words: str) -> list[str]:
        table.category.setCurrentIndex(choices.index(words))
        return [r.email for r in table.visible_rows()]

    assert show("Created in Xero") == ["new@example.com"]
    assert show("Not pushed") == ["left@example.com"]  # a failed subscription is not pushed
    assert show("Failed subscriptions") == ["left@example.com"]
    assert show("All records") == [r.email for r in ROWS]
    errors = view.error_table
    problems = [errors.category.itemText(i) for i in range(errors.category.count())]
    assert problems == [
        "All problems",
        "Not pushed",
        "Failed subscriptions",
        "Failed",
        "Not written to Xero",
        "Failed to write to Xero",
    ]


def test_a_push_only_run_has_one_row_of_tiles(view):
    push_only = tuple(r for r in ROWS if r.direction == "push")
    summary = RunSummary(2, "File", RunStatus.COMPLETED, RunCounts.of(r.outcome for r in push_only))
    view.show_run(two_way_summary(), ROWS)  # the tiles of a two-way run go away
    view.show_run(summary, push_only)
    assert set(view.tiles) == {
        "to_constant_contact.created",
        "to_constant_contact.matched",
        "to_constant_contact.updated",
        "to_constant_contact.unchanged",
        "to_constant_contact.skipped",
        "to_constant_contact.failed",
    }
    assert view._side_labels == []
    assert view.tiles["to_constant_contact.skipped"].caption.text() == "Not pushed"
    assert view.tabs.tabText(0) == "Results (3)"
    assert view.banner.title.text() == (
        "Sync finished — your list in Constant Contact is up to date"
    )


def test_dry_run_tiles_and_tab(view):
    view.show_run(two_way_summary(dry_run=True, status=RunStatus.DRY_RUN), ROWS)
    assert view.tiles["to_source.created"].caption.text() == "Would create in Xero"
    assert view.tabs.tabText(0) == "Plan (6)"
    assert view.banner.title.text() == ("Dry run — nothing was changed in Constant Contact or Xero")


def test_a_migration_out_of_constant_contact_says_only_where_its_records_went(view):
    rows = (
        RecordResult(
            1, "k1", "ada@example.com", Outcome.CREATED, direction="import", action="import_create"
        ),
        RecordResult(
            2, "k2", "alan@example.com", Outcome.CREATED, direction="import", action="import_create"
        ),
    )
    sentence = "Created in Klaviyo: 2"
    summary = RunSummary(
        1,
        "Constant Contact → Klaviyo migration",
        RunStatus.COMPLETED,
        RunCounts.of(r.outcome for r in rows),
        message=f"{sentence}. Created 1 list in Klaviyo: “Newsletter”",
        extra=RunTallies.of(rows).as_extra(),
        source_name="Klaviyo",
    )
    view.show_run(summary, rows)
    # Nothing went to Constant Contact: no "0 to Constant Contact", no "either side".
    assert view.totals.text().startswith("2 records from “Constant Contact → Klaviyo migration”")
    assert view.banner.title.text() == "Sync finished — Klaviyo is up to date"
    assert view.banner.tone is Tone.SUCCESS  # its notes say what else it did: no warning
    assert view.banner.body.text() == (
        "Created 1 list in Klaviyo: “Newsletter”. Next time, only what changed in Constant "
        "Contact is sent."
    )
