"""Writing results to a CSV file people can open in Excel (plain Python; run in a worker)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from app.core.outcomes import RecordResult
from app.sync import exports
from app.sync.progress import CancelToken
from app.ui.i18n import tr
from app.ui.wording import row_words_of


def csv_header() -> list[str]:
    """``exports.RESULT_HEADER`` in the user's language (each literal, for lupdate)."""
    return [
        tr("Row"),
        tr("Name"),
        tr("Email"),
        tr("Record ID"),
        tr("Outcome"),
        tr("Matched existing contact"),
        tr("Reason"),
        tr("Constant Contact ID"),
        tr("Details"),
    ]


def write_results_csv(
    path: Path,
    rows: Sequence[RecordResult],
    *,
    dry_run: bool = False,
    cancel: CancelToken | None = None,
    source: str = "",
) -> int:
    """Write ``rows`` (in the order given) with a header; returns how many were written.

    The columns are those of the reports' exports (``exports.results_sheets``). Each row's
    outcome reads as its tally does on the results screen ("Created in Xero"); ``source``
    names the source ("Xero"; blank reads "the source").

    The file is written next to the target and renamed at the end, so a cancelled or failed
    export never leaves half a file under the chosen name. UTF-8 with a byte-order mark, which
    Excel needs to read accents correctly.
    """
    results, _ = exports.results_sheets(
        rows,
        header=csv_header(),
        outcome_word=row_words_of(dry_run, source),
        yes_no=(tr("Yes"), tr("No")),
    )
    return exports.write_csv(path, results, cancel)
