"""Writing results to a CSV file people can open in Excel (plain Python; run in a worker)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from app.core.outcomes import RecordResult
from app.sync.progress import CancelToken
from app.ui.i18n import tr
from app.ui.wording import row_words_of

CHECK_EVERY = 5000  # rows between checks of the cancel token


def csv_header() -> list[str]:
    return [
        tr("Row"),
        tr("Record"),
        tr("Email"),
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

    Each row's outcome reads as its tally does on the results screen ("Created in Xero");
    ``source`` names the source ("Xero"; blank reads "the source").

    The file is written next to the target and renamed at the end, so a cancelled or failed
    export never leaves half a file under the chosen name. UTF-8 with a byte-order mark, which
    Excel needs to read accents correctly.
    """
    words_of = row_words_of(dry_run, source)
    yes, no = tr("Yes"), tr("No")
    tmp = path.with_name(path.name + ".part")
    try:
        with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(csv_header())
            for n, r in enumerate(rows, 1):
                word = words_of(r)
                writer.writerow(
                    [
                        r.row,
                        r.key,
                        r.email,
                        word,
                        yes if r.matched_existing else no,
                        r.reason,
                        r.contact_id,
                        r.detail,
                    ]
                )
                if cancel is not None and n % CHECK_EVERY == 0:
                    cancel.raise_if_cancelled()
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return len(rows)
