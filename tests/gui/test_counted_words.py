"""Counts read as a shop owner writes them, "1 contact" and "2 contacts", never
"contact(s)": the undo dialog, the statistics pull, the failed-records bar, a list's members."""

from __future__ import annotations

import pytest

from PySide6.QtWidgets import QLabel

from app.core.campaign_stats import PullReport
from app.core.outcomes import RunCounts, RunStatus, RunSummary
from app.ui.lists_manager import members_words
from app.ui.run_actions import RetryFailedBar
from app.ui.stats.pull import pull_words
from app.ui.undo_dialog import UndoPreviewDialog
from tests.helpers.undo_reports import undo_report

STAY = "only the person can opt back in."


def undo_dialog(qtbot, **counts: int) -> UndoPreviewDialog:
    dialog = UndoPreviewDialog(undo_report(**counts))
    qtbot.addWidget(dialog)
    return dialog


def title(dialog: UndoPreviewDialog) -> str:
    label = dialog.findChild(QLabel, "pageTitle")
    assert label is not None
    return label.text()


def test_the_undo_dialog_says_one_contact_and_one_record(qtbot) -> None:
    dialog = undo_dialog(qtbot, created=1, unsubscribes=1, opt_outs=1, created_in_source=1)
    assert title(dialog) == "Undoing this run will restore 1 contact as it was before it."
    assert dialog.unsubscribes.text().startswith("1 unsubscribe will stay:")
    assert dialog.opt_outs.text().startswith("1 opt-out mark in Xero will stay:")
    assert dialog.opt_outs.text().endswith(STAY)
    assert dialog.delete_box.text() == (
        "Also delete the 1 contact this run created in Constant Contact (deleting cannot be "
        "undone; anyone who unsubscribed is kept) and archive the 1 record it created in Xero"
    )


def test_the_undo_dialog_says_two_contacts_and_two_records(qtbot) -> None:
    dialog = undo_dialog(qtbot, created=2, unsubscribes=2, opt_outs=2, created_in_source=2)
    assert title(dialog) == "Undoing this run will restore 2 contacts as they were before it."
    assert dialog.unsubscribes.text().startswith("2 unsubscribes will stay:")
    assert dialog.opt_outs.text().startswith("2 opt-out marks in Xero will stay:")
    assert dialog.delete_box.text().startswith("Also delete the 2 contacts this run created")
    assert "and archive the 2 records it created in Xero" in dialog.delete_box.text()


@pytest.mark.parametrize(
    ("counts", "words"),
    [
        (
            {"created": 1},
            "Also delete the 1 contact this run created, instead of only taking it off the list",
        ),
        (
            {"created": 2},
            "Also delete the 2 contacts this run created, instead of only taking them off the list",
        ),
        (
            {"created_in_source": 1},
            "Also archive the 1 record this run created in Xero (unless changed there since)",
        ),
        (
            {"created_in_source": 2},
            "Also archive the 2 records this run created in Xero (any changed there since stay)",
        ),
    ],
)
def test_the_removal_choice_counts_one_side_in_words(qtbot, counts, words) -> None:
    assert undo_dialog(qtbot, **counts).delete_box.text().startswith(words)


@pytest.mark.parametrize(
    ("campaigns", "events", "words"),
    [
        (1, 1, "Up to date: 1 campaign, 1 new event."),
        (2, 0, "Up to date: 2 campaigns, 0 new events."),
        (12, 1234, "Up to date: 12 campaigns, 1,234 new events."),
    ],
)
def test_the_stats_pull_says_what_it_found_in_words(qapp, campaigns, events, words) -> None:
    assert pull_words(PullReport(campaigns=campaigns, events_new=events)) == words


@pytest.mark.parametrize(
    ("failed", "words"), [(1, "1 record failed in this run."), (2, "2 records failed in this run.")]
)
def test_the_retry_bar_counts_the_failed_records_in_words(qtbot, failed, words) -> None:
    bar = RetryFailedBar()
    qtbot.addWidget(bar)
    counts = RunCounts(created=1, failed=failed)
    bar.show_for(RunSummary(7, "Shop", RunStatus.COMPLETED_WITH_ERRORS, counts, False))
    assert bar.label.text() == words


def test_a_lists_member_count_reads_in_words(qapp) -> None:
    assert members_words(1) == "1 member"
    assert members_words(2) == "2 members"
    assert members_words(1234) == "1,234 members"
