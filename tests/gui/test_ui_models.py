"""The table models: qtmodeltester, sorting, filtering, and speed at 100,000 rows."""

from __future__ import annotations

import pytest

from PySide6.QtCore import Qt

from app.core.outcomes import Outcome, RunStatus
from app.core.vocabulary import Side, Tally
from app.sync.facade.values import ProfileOverview
from app.ui.lists.rows_model import RowsModel
from app.ui.profiles_model import ID_ROLE, ProfilesModel, profile_rows
from app.ui.results.results_model import (
    Category,
    ResultsFilterProxy,
    RunResultsModel,
    tally_category,
)
from app.ui.run_columns import run_columns
from tests.helpers.builders import make_profile, make_results, summary_of


@pytest.fixture
def results_model(qapp) -> RunResultsModel:
    model = RunResultsModel()
    model.set_rows(make_results(50))
    return model


def test_results_model_passes_modeltester(qtmodeltester, results_model):
    qtmodeltester.check(results_model)


def test_results_proxy_passes_modeltester(qtmodeltester, results_model):
    proxy = ResultsFilterProxy()
    proxy.setSourceModel(results_model)
    proxy.set_filter(Category.PROBLEMS, "example")
    qtmodeltester.check(proxy)


def test_profiles_model_passes_modeltester(qtmodeltester):
    rows = make_results(5)
    overviews = [
        ProfileOverview(make_profile(1, "Shop"), None),
        ProfileOverview(make_profile(2, "Studio"), summary_of(7, rows)),
    ]
    model = ProfilesModel()
    model.set_rows(profile_rows(overviews, running=frozenset({1})))
    qtmodeltester.check(model)
    assert model.rowCount() == 2
    assert model.index(0, ProfilesModel.COL_STATUS).data() == "Syncing…"
    assert model.index(1, ProfilesModel.COL_STATUS).data() == "Synced"
    assert model.index(1, ProfilesModel.COL_NAME).data(ID_ROLE) == 2
    assert model.index(1, ProfilesModel.COL_SOURCE).data() == "studio.csv"
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Profile"


def test_history_model_passes_modeltester(qtmodeltester):
    rows = make_results(10)
    runs = (
        summary_of(2, rows, status=RunStatus.CANCELLED),
        summary_of(1, rows, status=RunStatus.DRY_RUN, dry_run=True),
    )
    model = RowsModel(run_columns(runs, with_profile=False))
    model.set_rows(runs)
    qtmodeltester.check(model)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == [
        "Started",
        "Kind",
        "Result",
        "Created",
        "Matched",
        "Updated",
        "Unchanged",
        "Not\npushed",  # a long header goes on two lines
        "Failed\nsubscriptions",
        "Failed",
        "Message",
    ]
    tip = model.headerData(3, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert tip == "Created in Constant Contact"
    assert model.index(0, 2).data().startswith("Cancelled")
    assert model.index(1, 1).data() == "Dry run"
    assert model.index(1, 3).data() == "2"


def test_outcome_words_follow_dry_run(qapp):
    model = RunResultsModel()
    rows = make_results(5)
    model.set_rows(rows, dry_run=True)
    created = next(i for i, r in enumerate(rows) if r.outcome is Outcome.CREATED)
    assert model.index(created, model.COL_OUTCOME).data() == "Would create in Constant Contact"
    model.set_rows(rows, dry_run=False)
    assert model.index(created, model.COL_OUTCOME).data() == "Created in Constant Contact"


def test_sort_by_email_descending_keeps_persistent_indexes(qapp, results_model):
    from PySide6.QtCore import QPersistentModelIndex

    target = results_model.rows[3]
    persistent = QPersistentModelIndex(results_model.index(3, results_model.COL_EMAIL))
    results_model.sort(results_model.COL_EMAIL, Qt.SortOrder.DescendingOrder)
    emails = [r.email for r in results_model.rows]
    assert emails == sorted(emails, reverse=True)
    assert results_model.rows[persistent.row()] == target


@pytest.mark.parametrize(
    ("category", "expected"),
    [
        (Category.ALL, 50),
        (tally_category(Side.TO_CONSTANT_CONTACT, Tally.CREATED), 10),
        (Category.PROBLEMS, 20),
        (tally_category(Side.TO_CONSTANT_CONTACT, Tally.FAILED), 10),
        (tally_category(Side.TO_CONSTANT_CONTACT, Tally.MATCHED), 10),
        (tally_category(Side.TO_CONSTANT_CONTACT, Tally.UPDATED), 5),
        (tally_category(Side.TO_CONSTANT_CONTACT, Tally.UNCHANGED), 5),
        (tally_category(Side.TO_SOURCE, Tally.CREATED), 0),
    ],
)
def test_filter_by_category(qapp, results_model, category, expected):
    proxy = ResultsFilterProxy()
    proxy.setSourceModel(results_model)
    proxy.set_filter(category)
    assert proxy.rowCount() == expected


def test_search_matches_email_row_and_reason_case_insensitively(qapp, results_model):
    proxy = ResultsFilterProxy()
    proxy.setSourceModel(results_model)
    proxy.set_filter(text="PERSON13@")
    assert proxy.rowCount() == 1
    proxy.set_filter(text="missing EMAIL")
    assert proxy.rowCount() == 10
    proxy.set_filter(tally_category(Side.TO_CONSTANT_CONTACT, Tally.FAILED), text="missing email")
    assert proxy.rowCount() == 0
    proxy.set_filter(Category.ALL, text="(")  # regex characters are taken literally
    assert proxy.rowCount() == 0


class CountingResultsModel(RunResultsModel):
    """Counts the cells Qt asks for: a sort that compares cells through ``data()`` asks for
    millions on 100,000 rows and freezes the window for half a minute."""

    def __init__(self) -> None:
        super().__init__()
        self.asked = 0

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
        self.asked += 1
        return super().data(index, role)


def test_hundred_thousand_rows_sort_in_one_pass_and_filter_a_cell_a_row(qapp):
    """Sorting 100,000 results never goes cell by cell through Qt; filtering reads one cell a
    row. (The time it takes is measured by ``python main.py sandbox bench``, not here.)"""
    rows = make_results(100_000)
    model = CountingResultsModel()
    proxy = ResultsFilterProxy()
    proxy.setSourceModel(model)
    model.set_rows(rows)
    proxy.set_filter(Category.PROBLEMS, "example.com")
    assert proxy.rowCount() == 40_000
    assert model.asked <= 100_000  # one filter cell a row
    model.asked = 0
    proxy.sort(RunResultsModel.COL_EMAIL, Qt.SortOrder.DescendingOrder)
    assert model.asked == 0  # sorted on the rows themselves, in one pass of Python's sort
    emails = [proxy.index(r, RunResultsModel.COL_EMAIL).data() for r in range(3)]
    assert emails == sorted(emails, reverse=True)
    proxy.set_filter(Category.ALL, "")
    assert proxy.rowCount() == 100_000
